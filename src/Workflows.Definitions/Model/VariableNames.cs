using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// What a runtime-supplied variable may be called (a job config, a host secret, a task output): a template
    /// identifier, so templates read it as <c>{{.Name}}</c> (YAML) or <c>{{Name}}</c> (C#) and a shell as <c>$Name</c>.
    /// </summary>
    public static class VariableNames
    {
        /// <summary>The longest name.</summary>
        public const int MaxLength = 100;

        /// <summary>True for 1 to <see cref="MaxLength"/> ASCII letters, digits and underscores, not starting with a digit.</summary>
        /// <param name="name">The name.</param>
        public static bool IsValid(string? name) =>
            name is { Length: > 0 and <= MaxLength } && !(name[0] >= '0' && name[0] <= '9') && name.All(IsNameChar);

        /// <summary>True for an ASCII letter, digit or underscore.</summary>
        /// <param name="c">The character.</param>
        public static bool IsNameChar(char c) => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
}

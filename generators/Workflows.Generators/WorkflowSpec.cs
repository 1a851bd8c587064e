using Workflows.Definitions;

namespace Workflows.Generators
{
    /// <summary>What the generator emits for one [Workflow] class.</summary>
    /// <remarks>
    /// Equatable so the incremental pipeline caches: it holds only strings, booleans, the definitions model and
    /// <see cref="EquatableArray{T}"/> — never symbols, syntax nodes or locations.
    /// </remarks>
    /// <param name="Namespace">The class's namespace, or empty for the global namespace.</param>
    /// <param name="ClassName">The class's name.</param>
    /// <param name="IsPartial">True when the class is partial (members can be added).</param>
    /// <param name="CanCreate">True when it is a non-abstract class with a public parameterless constructor (it can be registered).</param>
    /// <param name="JobType">The job type from [Workflow].</param>
    /// <param name="TaskNames">The task names read from Define (constants only).</param>
    /// <param name="Compiled">The definition, when Define was read exactly and the validator found no error; else null.</param>
    internal sealed record WorkflowSpec(
        string Namespace,
        string ClassName,
        bool IsPartial,
        bool CanCreate,
        string JobType,
        EquatableArray<string> TaskNames,
        JobDefinition? Compiled)
    {
        public string FullName => Namespace.Length == 0 ? "global::" + ClassName : "global::" + Namespace + "." + ClassName;
    }

    /// <summary>What the assembly-wide registry needs to know about the compilation.</summary>
    /// <param name="AssemblyName">The assembly's name.</param>
    /// <param name="HasDependencyInjection">True when Microsoft.Extensions.DependencyInjection.Abstractions is referenced.</param>
    internal sealed record AssemblySpec(string AssemblyName, bool HasDependencyInjection);
}

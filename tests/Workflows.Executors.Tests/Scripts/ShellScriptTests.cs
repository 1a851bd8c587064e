using Workflows.Executors.Scripts;

namespace Workflows.Executors.Tests.Scripts;

public sealed class ShellScriptTests
{
    [Theory]
    [InlineData("env NEW_ENV_VAR=xyz", "export NEW_ENV_VAR=xyz")]
    [InlineData("  env A=1 B=two  ", "export A=1 B=two")]
    [InlineData("env", "env")]
    [InlineData("env A=1 printenv A", "env A=1 printenv A")]
    [InlineData("echo env A=1", "echo env A=1")]
    public void Only_a_line_of_env_assignments_becomes_an_export(string line, string expected) =>
        Assert.Equal(expected, ShellScript.Translate(line));

    [Fact]
    public void Quoting_survives_single_quotes() =>
        Assert.Equal("'it'\\''s'", ShellScript.Quote("it's"));

    [Fact]
    public void Without_after_script_the_program_is_one_errexit_shell() =>
        Assert.Equal("set -e\nprintf '%s\\n' '$ echo hi'\necho hi\n", ShellScript.Compose(RenderedTask.Empty with { Script = ["echo hi"] }));
}

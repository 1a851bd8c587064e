namespace Workflows.Package.Tests;

/// <summary>`dotnet new workflows` from the packed template: installed into a hive of its own, it makes a project that builds warning-free and whose tests pass.</summary>
[Collection(SharedFeed.Name)]
public class ProjectTemplateTests(PackageFixture package)
{
    [Fact]
    public void Dotnet_new_workflows_makes_an_app_and_tests_that_build_without_warnings_and_pass()
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_CLI_HOME"] = Path.Combine(package.Root, "cli-home"), // the template hive: nothing installed for the user
            ["NUGET_PACKAGES"] = Path.Combine(package.Root, "template-packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        var template = Path.Combine(package.Feed, "Workflows.ProjectTemplates.0.1.0.nupkg");
        var (installed, installOutput) = Dotnet.RunWith(environment, package.Root, "new", "install", template);
        Assert.True(installed == 0, installOutput);
        Assert.Contains("workflows", installOutput, StringComparison.Ordinal);

        var output = Path.Combine(package.Root, "made");
        var (created, createOutput) = Dotnet.RunWith(environment, package.Root, "new", "workflows", "-o", Path.Combine(output, "tmp"));
        Assert.True(created == 0, createOutput);
        var project = Path.Combine(output, "tmp");
        Assert.True(File.Exists(Path.Combine(project, "tmp", "tmp.csproj")), createOutput);
        Assert.True(File.Exists(Path.Combine(project, "tmp.Tests", "tmp.Tests.csproj")), createOutput);
        package.WriteNugetConfig(project);

        var (built, buildOutput) = Dotnet.RunWith(environment, project, "build", "-nodeReuse:false");
        Assert.True(built == 0, buildOutput);
        Assert.Contains("0 Warning(s)", buildOutput, StringComparison.Ordinal);

        var (tested, testOutput) = Dotnet.RunWith(environment, project, "test", "--no-build");
        Assert.True(tested == 0, testOutput);
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+3,", testOutput);
    }
}

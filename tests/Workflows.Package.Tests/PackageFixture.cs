using Workflows.TestSupport;

namespace Workflows.Package.Tests;

/// <summary>
/// Packs every package once into a fresh local feed, with an isolated package cache: Workflows (with Definitions and
/// Templates) for a consumer of the DSL, the hosting, the testing kit and the <c>dotnet new</c> template package for
/// a project made from the template, and the rest (API, dashboard, the tool) so that their metadata is checked too.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        Root = Directory.CreateTempSubdirectory("workflows-package-").FullName;
        Feed = Path.Combine(Root, "feed");
        foreach (var project in Packed)
        {
            var (code, output) = Dotnet.Run(TestInfrastructure.RepoRoot, "pack", project, "-c", "Release", "-o", Feed, "-nodeReuse:false");
            Assert.True(code == 0, $"dotnet pack {project} failed:\n{output}");
        }
    }

    /// <summary>What is packed, dependencies first.</summary>
    public static IReadOnlyList<string> Packed { get; } =
    [
        "src/Workflows.Definitions", "src/Workflows.Templates", "src/Workflows", "src/Workflows.Runtime", "src/Workflows.Executors.Abstractions",
        "src/Workflows.Executors", "src/Workflows.Marten", "src/Workflows.Hosting", "src/Workflows.Yaml", "src/Workflows.Testing",
        "src/Workflows.Api", "src/Workflows.Dashboard", "src/Workflows.Host", "templates/Workflows.ProjectTemplates",
    ];

    public string Root { get; }

    public string Feed { get; }

    /// <summary>A new console project that references only the Workflows package, with the given Program.cs.</summary>
    public string CreateConsumer(string name, string program)
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(Root, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Workflows" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }

    /// <summary>A nuget.config in <paramref name="directory"/> that finds the packed packages first.</summary>
    public void WriteNugetConfig(string directory) => File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{Feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>The test classes that share one packed feed (packing takes minutes).</summary>
[CollectionDefinition(Name)]
public sealed class SharedFeed : ICollectionFixture<PackageFixture>
{
    public const string Name = "packages";
}

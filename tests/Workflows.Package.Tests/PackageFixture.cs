using Workflows.TestSupport;

namespace Workflows.Package.Tests;

/// <summary>Packs Workflows.Definitions and Workflows once into a fresh local feed, with an isolated package cache.</summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        Root = Directory.CreateTempSubdirectory("workflows-package-").FullName;
        Feed = Path.Combine(Root, "feed");
        foreach (var project in new[] { "src/Workflows.Definitions", "src/Workflows.Templates", "src/Workflows" })
        {
            var (code, output) = Dotnet.Run(TestInfrastructure.RepoRoot, "pack", project, "-c", "Release", "-o", Feed, "-nodeReuse:false");
            Assert.True(code == 0, $"dotnet pack {project} failed:\n{output}");
        }
    }

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

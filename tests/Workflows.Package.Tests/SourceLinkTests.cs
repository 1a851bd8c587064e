using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Xml.Linq;
using Workflows.TestSupport;

namespace Workflows.Package.Tests;

/// <summary>
/// SourceLink (bundled with the SDK): a package built from a clone of the GitHub repository lets a debugger fetch the
/// exact sources; a clone from a local path (as CI makes) or a copy without .git builds as before, with no warning.
/// </summary>
public sealed class SourceLinkTests : IDisposable
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
    private static readonly Dictionary<string, string> CiBuild = new() { ["CI"] = "true" };

    private readonly string _root = Directory.CreateTempSubdirectory("workflows-sourcelink-").FullName;

    [Fact]
    public void A_package_built_from_a_GitHub_clone_maps_every_source_to_its_commit_and_embeds_the_generated_ones()
    {
        var clone = Path.Combine(_root, "clone");
        Git(_root, "clone", "--quiet", TestInfrastructure.RepoRoot, clone);
        Git(clone, "remote", "set-url", "origin", "https://github.com/workflows-dotnet/workflows.git");
        var commit = Git(clone, "rev-parse", "HEAD").Trim();

        var feed = Path.Combine(_root, "feed");
        var (code, output) = Dotnet.RunWith(CiBuild, clone, "pack", "src/Workflows.Definitions", "-c", "Release", "-o", feed, "-nodeReuse:false");
        Assert.True(code == 0, output);
        Assert.DoesNotContain(": warning", output, StringComparison.Ordinal); // MSBuild's form of any warning, a task's too

        using (var package = ZipFile.OpenRead(Path.Combine(feed, "Workflows.Definitions.0.1.0.nupkg")))
        {
            using var nuspec = package.GetEntry("Workflows.Definitions.nuspec")!.Open();
            var repository = XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "repository");
            Assert.Equal(commit, repository.Attribute("commit")?.Value);
        }

        using var symbols = ZipFile.OpenRead(Path.Combine(feed, "Workflows.Definitions.0.1.0.snupkg"));
        using var pdb = new MemoryStream();
        using (var entry = symbols.GetEntry("lib/netstandard2.0/Workflows.Definitions.pdb")!.Open())
        {
            entry.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var sourceLink = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(i => reader.GetGuid(i.Kind) == SourceLinkKind)
            .Select(i => Encoding.UTF8.GetString(reader.GetBlobBytes(i.Value)))
            .SingleOrDefault();
        Assert.Equal("{\"documents\":{\"/_/*\":\"https://raw.githubusercontent.com/workflows-dotnet/workflows/" + commit + "/*\"}}", sourceLink);

        // CI=true made the build reproducible (paths under /_/); tracked sources are fetched, generated ones embedded.
        var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
        Assert.Contains("/_/src/Workflows.Definitions/Validation/WorkflowValidator.cs", documents);
        var embedded = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(i => reader.GetGuid(i.Kind) == EmbeddedSourceKind && i.Parent.Kind == HandleKind.Document)
            .Select(i => reader.GetString(reader.GetDocument((DocumentHandle)i.Parent).Name))
            .ToList();
        Assert.Contains(embedded, name => name.EndsWith("AssemblyInfo.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(embedded, name => name.EndsWith("WorkflowValidator.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clone_from_a_local_path_and_a_copy_without_git_build_a_package_without_a_warning()
    {
        var clone = Path.Combine(_root, "clone");
        Git(_root, "clone", "--quiet", TestInfrastructure.RepoRoot, clone);
        var (code, output) = Dotnet.RunWith(CiBuild, clone, "pack", "src/Workflows.Definitions", "-c", "Release", "-o", Path.Combine(_root, "feed-clone"), "-nodeReuse:false");
        Assert.True(code == 0, output);
        Assert.DoesNotContain(": warning", output, StringComparison.Ordinal); // MSBuild's form of any warning, a task's too

        var copy = Path.Combine(_root, "copy");
        var tar = Path.Combine(_root, "copy.tar");
        Git(clone, "archive", "--format=tar", "-o", tar, "HEAD");
        Directory.CreateDirectory(copy);
        TarFile.ExtractToDirectory(tar, copy, overwriteFiles: false);
        Assert.False(Directory.Exists(Path.Combine(copy, ".git")));
        (code, output) = Dotnet.RunWith(CiBuild, copy, "pack", "src/Workflows.Definitions", "-c", "Release", "-o", Path.Combine(_root, "feed-copy"), "-nodeReuse:false");
        Assert.True(code == 0, output);
        Assert.DoesNotContain(": warning", output, StringComparison.Ordinal); // MSBuild's form of any warning, a task's too
        Assert.True(File.Exists(Path.Combine(_root, "feed-copy", "Workflows.Definitions.0.1.0.snupkg")), output);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file; the temp folder is cleaned by the OS.
        }
    }

    private static string Git(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("git", args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)} failed:\n{output}{error.Result}");
        return output;
    }
}

using System.IO.Compression;
using System.Xml.Linq;
using Workflows.TestSupport;

namespace Workflows.Package.Tests;

/// <summary>What a team sees before it trusts a package: the nuspec metadata, the README, the XML docs, the symbols.</summary>
[Collection(SharedFeed.Name)]
public class PackageMetadataTests(PackageFixture package)
{
    [Fact]
    public void Every_packable_project_is_packed_by_the_fixture_so_its_package_is_checked()
    {
        var packable = Directory.GetFiles(Path.Combine(TestInfrastructure.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetDirectories(Path.Combine(TestInfrastructure.RepoRoot, "templates")).SelectMany(d => Directory.GetFiles(d, "*.csproj")))
            .Where(p => !File.ReadAllText(p).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(TestInfrastructure.RepoRoot, Path.GetDirectoryName(p)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(packable, PackageFixture.Packed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_package_has_its_description_licence_repository_tags_and_readme()
    {
        var packages = Packages();
        Assert.Equal(PackageFixture.Packed.Count, packages.Count);
        foreach (var path in packages)
        {
            using var zip = ZipFile.OpenRead(path);
            var metadata = Metadata(zip);
            string Value(string name) => metadata.Element(metadata.Name.Namespace + name)?.Value ?? "";
            var id = Value("id");
            var problem = $"{Path.GetFileName(path)}:\n{metadata}";

            Assert.True(Value("description").Length >= 40 && !Value("description").Equals("Package Description", StringComparison.Ordinal), problem);
            Assert.Equal("Workflows contributors", Value("authors"));
            Assert.Equal("expression", metadata.Element(metadata.Name.Namespace + "license")?.Attribute("type")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(Value("license")), problem);
            Assert.Equal("https://github.com/workflows-dotnet/workflows", Value("projectUrl"));
            var repository = metadata.Element(metadata.Name.Namespace + "repository");
            Assert.True(repository is not null, problem);
            Assert.Equal("git", repository.Attribute("type")?.Value);
            Assert.Equal("https://github.com/workflows-dotnet/workflows", repository.Attribute("url")?.Value);
            Assert.Contains("workflows", Value("tags").Split(' '));
            Assert.True(Value("tags").Split(' ').Length >= 3, problem);

            // The README named by the nuspec is in the package and is the package's own, not the repository's.
            var readme = Value("readme");
            Assert.Equal("README.md", readme);
            var entry = zip.GetEntry(readme);
            Assert.True(entry is not null, $"{id}: no {readme} in the package");
            using var reader = new StreamReader(entry.Open());
            var text = reader.ReadToEnd();
            Assert.StartsWith("# " + id + "\n", text.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_library_in_a_package_ships_its_xml_docs_and_its_pdb_in_the_symbols_package()
    {
        var libraries = 0;
        foreach (var path in Packages())
        {
            using var zip = ZipFile.OpenRead(path);
            var dlls = zip.Entries.Where(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.Ordinal)).ToList();
            if (dlls.Count == 0)
            {
                continue; // the template package: content only
            }

            var symbols = Path.ChangeExtension(path, ".snupkg");
            Assert.True(File.Exists(symbols), $"no symbols package beside {Path.GetFileName(path)}");
            using var symbolZip = ZipFile.OpenRead(symbols);
            foreach (var dll in dlls)
            {
                libraries++;
                var docs = zip.GetEntry(Path.ChangeExtension(dll.FullName, ".xml"));
                Assert.True(docs is not null, $"{dll.FullName} in {Path.GetFileName(path)} has no XML docs beside it");
                using (var stream = docs.Open())
                {
                    var members = XDocument.Load(stream).Descendants("member").Count();
                    Assert.True(members > 5, $"{docs.FullName} documents only {members} members");
                }

                Assert.True(symbolZip.GetEntry(Path.ChangeExtension(dll.FullName, ".pdb")) is not null, $"{Path.GetFileName(symbols)} has no pdb for {dll.FullName}");
            }
        }

        Assert.True(libraries >= 10, $"only {libraries} libraries found in the packages");
    }

    private List<string> Packages() => Directory.GetFiles(package.Feed, "*.nupkg").Order(StringComparer.Ordinal).ToList();

    private static XElement Metadata(ZipArchive zip)
    {
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Element(document.Root.Name.Namespace + "metadata")!;
    }
}

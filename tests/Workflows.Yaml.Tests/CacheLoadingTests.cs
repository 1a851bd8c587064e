using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Yaml.Tests;

/// <summary><c>cache</c> runs now (DOCKER and KUBERNETES tasks; CacheRunTests): formicary's definitions with it load without WF4005.</summary>
public class CacheLoadingTests
{
    [Fact]
    public void Formicarys_definitions_with_cache_load_it_with_no_WF4005_for_it()
    {
        var withCache = FormicaryExamplesTests.Files
            .Select(file => (File: file, Result: YamlJobLoader.Load(File.ReadAllText(Path.Combine(FormicaryExamplesTests.Folder, file)), file)))
            .Where(f => f.Result.Definition?.Tasks.Any(t => t.Cache is not null) == true)
            .ToList();

        // node_build, maven-build, go-build-ci, python-ci, ruby-build-ci, trivy-scan-job, node_js, maven_build, … (14 files)
        Assert.True(withCache.Count >= 10, $"{withCache.Count} definitions with cache: " + string.Join(", ", withCache.Select(f => f.File)));
        Assert.Contains(withCache, f => f.File == "docs/examples/node_build.yaml");
        Assert.Contains(withCache, f => f.File == "docs/examples/maven-build.yaml");
        var notRun = withCache.SelectMany(f => f.Result.Problems).Where(p => p.Id == NotRunYetId && p.Problem.Message.Contains("'cache'", StringComparison.Ordinal)).ToList();
        Assert.True(notRun.Count == 0, string.Join(Environment.NewLine, notRun));
    }

    [Fact]
    public void Node_builds_cache_keeps_its_key_paths_and_paths_and_a_go_template_key_is_translated_for_the_renderer()
    {
        var node = YamlJobLoader.Load(File.ReadAllText(Path.Combine(FormicaryExamplesTests.Folder, "docs", "examples", "node_build.yaml")), "node_build.yaml");
        var cache = node.Definition!.FindTask("build")!.Cache!;
        Assert.Equal(["node_modules", ".npm"], cache.Paths);
        Assert.Equal(["package.json"], cache.KeyPaths);
        Assert.Null(cache.Key);

        var templated = YamlJobLoader.Load("""
            job_type: deps
            tasks:
            - task_type: build
              container:
                image: alpine
              script: [make]
              cache:
                key: deps-{{.Branch}}
                paths: [vendor]
                expires_after: 2h
            """, "job.yaml");
        Assert.True(templated.Succeeded, string.Join(Environment.NewLine, templated.Problems));
        Assert.DoesNotContain(templated.Problems, p => p.Id == NotRunYetId);
        var spec = templated.Definition!.FindTask("build")!.Cache!;
        Assert.Equal(("deps-{{ Branch }}", TimeSpan.FromHours(2)), (spec.Key, spec.ExpiresAfter));
    }
}

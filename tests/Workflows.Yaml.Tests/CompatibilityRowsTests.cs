using System.Text.RegularExpressions;
using Workflows.Definitions;

namespace Workflows.Yaml.Tests;

/// <summary>
/// Issue #24's "Done when": "docs/compatibility.md has a row for every formicary key, method and API route with its
/// state here". Kept in step with the loader's keys and the methods: a key or method added without its row fails here.
/// </summary>
public class CompatibilityRowsTests
{
    private static readonly string Section = ReadSection();

    private static string ReadSection()
    {
        var text = Repo.Read("docs", "compatibility.md").ReplaceLineEndings("\n");
        var start = text.IndexOf("## Every formicary key, method and API route", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/compatibility.md has no section 'Every formicary key, method and API route'.");
        var end = text.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    /// <summary>The first cell of each table row: the keys, methods or routes it is about.</summary>
    private static IEnumerable<string> FirstCells() =>
        Regex.Matches(Section, @"(?m)^\| ([^|]+) \|").Select(m => m.Groups[1].Value);

    public static TheoryData<string> JobAndTaskKeys() => new(
        KnownKeys.Job.Concat(KnownKeys.JobComputed).Concat(KnownKeys.Task).Distinct(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(JobAndTaskKeys))]
    public void Every_job_and_task_key_the_loader_knows_has_a_row(string key) =>
        Assert.Contains(FirstCells(), cell => Regex.IsMatch(cell, $@"`{Regex.Escape(key)}`"));

    public static TheoryData<string> ContainerAndServiceKeys() => new(
        KnownKeys.Container.Select(k => "container." + k).Concat(KnownKeys.Service.Select(k => "services." + k)));

    /// <summary>A container or service key has a row naming it (<c>container.cpu_limit</c>, <c>services[].volumes</c>, or the bare key in a row of that block).</summary>
    [Theory]
    [MemberData(nameof(ContainerAndServiceKeys))]
    public void Every_container_and_service_key_has_a_row(string path)
    {
        var (block, key) = (path[..path.IndexOf('.')], path[(path.IndexOf('.') + 1)..]);
        Assert.Contains(FirstCells(), cell => cell.Contains($"`{block}.{key}`", StringComparison.Ordinal) || cell.Contains($"`{block}[].{key}`", StringComparison.Ordinal)
            || (cell.Contains($"`{key}`", StringComparison.Ordinal) && cell.Contains(block, StringComparison.Ordinal))
            || (block == "services" && key is "name" or "image" or "alias" or "instances" or "working_directory" or "command" or "entrypoint" or "ports" && cell.StartsWith("`services` (", StringComparison.Ordinal)));
    }

    public static TheoryData<string> Methods() => new(
        Enum.GetValues<TaskMethod>().Where(m => m != TaskMethod.InProcess).Select(m => m.ToYaml()));

    [Theory]
    [MemberData(nameof(Methods))]
    public void Every_formicary_method_has_a_row(string method) =>
        Assert.Contains(FirstCells(), cell => cell.Contains($"`{method}`", StringComparison.Ordinal));

    [Fact]
    public void Every_api_route_family_of_formicary_has_a_row()
    {
        string[] routes =
        [
            "POST /api/jobs/definitions", "GET /api/jobs/plugins", "/yaml", "/versions", "/mermaid", "/disable", "/concurrency",
            "DELETE /api/jobs/definitions/:id", "/configs", "POST /api/jobs/requests", "/cancel", "/pause", "/trigger", "/restart",
            "/vote", "/approval", "/api/approvals/pending", "/wait_time", "/api/jobs/requests/stats", "/dead_ids",
            "POST /api/triggers", "GET /api/artifacts", "POST /api/artifacts", "/ws/subscriptions", "POST /api/logs", "/api/ants",
            "/api/executors", "/api/errors", "/api/configs", "/api/health", "/api/metrics", "/api/audits", "/retention/purge",
        ];
        var cells = FirstCells().ToList();
        Assert.All(routes, route => Assert.Contains(cells, cell => cell.Contains(route, StringComparison.Ordinal)));
    }
}

using System.CommandLine;
using System.Globalization;
using Workflows.Host.Output;

namespace Workflows.Host.Commands;

/// <summary><c>workflows caches list [--job-type TYPE]</c>: the task caches kept between runs (docs/caches.md).</summary>
internal static class CachesCommand
{
    public static Command Create(BackendOptions backend, TextWriter output, TextWriter error)
    {
        var caches = new Command("caches", "Task caches (cache: in DOCKER tasks) kept between runs of a job type.");
        var jobType = new Option<string?>("--job-type") { Description = "Only this job type's caches." };
        var list = new Command("list", "Every unexpired cache: job type, key, archive size and hash, when saved and when it expires (times in UTC).") { jobType };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.ListCachesAsync(parsed.GetValue(jobType), ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            Printer.Table(output, ["TYPE", "KEY", "SIZE", "SHA256", "SAVED", "EXPIRES", "BY"], result.Value!.Select(c => (IReadOnlyList<string>)
                [c.JobType, c.Key, c.Size.ToString(CultureInfo.InvariantCulture), c.Sha256[..12], Utc(c.SavedAt), Utc(c.ExpiresAt), $"{c.TaskType} of {c.JobId}"]));
            return 0;
        });
        caches.Subcommands.Add(list);
        return caches;
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

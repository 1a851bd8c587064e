using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Definitions;
using Workflows.Marten;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.Yaml;

namespace Workflows.Samples;

/// <summary>
/// <c>run</c>: runs the seed jobs end to end, as written in their legacy YAML, in a real host: the embedded default
/// PostgreSQL (or <c>ConnectionStrings__Workflows</c>), real Docker containers, and HTTP tasks answered by a local
/// jsonplaceholder stand-in (no internet here). Prints each job's events as they happen, then its end state and the
/// logs of its last task.
/// </summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var files = args.Where(a => a.EndsWith(".yaml", StringComparison.Ordinal) || a.EndsWith(".yml", StringComparison.Ordinal)).ToList();
        if (files.Count == 0)
        {
            files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "legacy-yaml"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        }

        await using var placeholder = await PlaceholderServer.StartAsync();
        var builder = Host.CreateApplicationBuilder(args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray());
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Workflows.Hosting.WorkflowsDatabase", LogLevel.Information);
        builder.Services.AddWorkflows(options =>
        {
            options.ConnectionString = builder.Configuration.GetConnectionString("Workflows");
            options.DataDirectory = builder.Configuration["Workflows:DataDirectory"] ?? options.DataDirectory;
            options.HttpRedirects["https://jsonplaceholder.typicode.com"] = placeholder.BaseAddress.ToString();
            options.HttpRedirects["http://127.0.0.1:5080"] = placeholder.BaseAddress.ToString();
        });
        builder.Services.AddWorkflowsFromAssembly();
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<WorkflowClient>();
        var jobs = host.Services.GetRequiredService<JobStore>();

        var submitted = new List<(string Id, string File)>();
        foreach (var file in files)
        {
            var loaded = YamlJobLoader.Load(await File.ReadAllTextAsync(file), Path.GetFileName(file));
            foreach (var problem in loaded.Problems.Where(p => p.IsError))
            {
                Console.Error.WriteLine(problem);
            }

            if (!loaded.Succeeded)
            {
                return 1;
            }

            var id = await client.SubmitAsync(loaded.Definition!);
            Console.WriteLine($"submitted {Path.GetFileName(file)} as job {id}");
            submitted.Add((id, Path.GetFileName(file)));
        }

        var seen = submitted.ToDictionary(s => s.Id, _ => 0);
        var ended = new HashSet<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (ended.Count < submitted.Count && !timeout.IsCancellationRequested)
        {
            foreach (var (id, file) in submitted.Where(s => !ended.Contains(s.Id)))
            {
                var events = await jobs.EventsAsync(id);
                foreach (var e in events.Skip(seen[id]))
                {
                    if (Describe(e) is { } text)
                    {
                        Console.WriteLine($"  [{file}] {text}");
                    }

                    if (e is JobCompleted or JobFailed or JobCancelled)
                    {
                        ended.Add(id);
                    }
                }

                seen[id] = events.Count;
            }

            await Task.Delay(100);
        }

        Console.WriteLine();
        var logs = host.Services.GetRequiredService<TaskLogs>();
        foreach (var (id, file) in submitted)
        {
            var view = (await client.GetAsync(id))!;
            Console.WriteLine($"{file}: job {id} {view.Status.ToString().ToUpperInvariant()}{(view.ErrorCode is { } code ? " " + code : string.Empty)}; " +
                $"tasks succeeded {view.Succeeded}, failed {view.Failed}, ignored {view.Ignored}; job attempts {view.JobAttempt + 1}");
            var last = view.Tasks.LastOrDefault(t => t.Status is TaskRunStatus.Completed or TaskRunStatus.Failed);
            if (last is not null)
            {
                Console.WriteLine($"  log of '{last.TaskType}' (attempt {last.Attempt}):");
                foreach (var line in (await logs.ReadAsync(id, last.TaskType)).Where(l => l.Attempt == last.Attempt))
                {
                    Console.WriteLine($"    {line.Source.ToString().ToLowerInvariant(),-6} {line.Line}");
                }
            }
        }

        await host.StopAsync();
        return ended.Count == submitted.Count ? 0 : 1;
    }

    private static string? Describe(JobEvent e) => e switch
    {
        JobRequested r => $"requested ({r.Definition.Tasks.Count} tasks)",
        JobStarted s => $"job started (attempt {s.JobAttempt + 1})",
        TaskScheduled s when s.Reason != ScheduleReason.Reached => $"{s.TaskType}: attempt {s.Attempt} scheduled ({s.Reason}) for +{(s.DueAt - s.At).TotalSeconds:0.#}s",
        TaskStarted s => $"{s.TaskType}: attempt {s.Attempt} started",
        TaskExited x => $"{x.TaskType}: attempt {x.Attempt} exited {(x.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-")} -> {x.Action}{(x.ErrorCode is { } c ? " (" + c + ")" : string.Empty)}",
        TaskFailed f => $"{f.TaskType}: failed {f.ErrorCode}{(f.Ignored ? " (ignored: allow_failure)" : string.Empty)}",
        JobRetryScheduled r => $"job retry {r.JobAttempt} from '{r.FromTask}'{(r.FullRestart ? " (full restart)" : string.Empty)} at +{(r.DueAt - r.At).TotalSeconds:0.#}s",
        JobPaused p => $"job PAUSED by '{p.TaskType}' (PAUSE_JOB), resumes at +{(p.ResumeAt - p.At).TotalSeconds:0.#}s",
        JobCompleted => "job COMPLETED",
        JobFailed f => $"job FAILED {f.ErrorCode}{(f.TaskType is { } t ? " at '" + t + "'" : string.Empty)}",
        JobCancelled => "job CANCELLED",
        _ => null,
    };
}

using Workflows.Benchmarks;

var scenario = args.FirstOrDefault();
switch (scenario)
{
    case "build-time":
        return BuildTime.Run();
    case "container":
        return await ContainerOverhead.RunAsync();
    case "vs-hangfire":
        return await Workflows.Benchmarks.Throughput.SideBySide.RunAsync("hangfire", args[1..]);
    case "vs-wolverine":
        return await Workflows.Benchmarks.Throughput.SideBySide.RunAsync("wolverine", args[1..]);
    case "chaos":
        return await Workflows.Benchmarks.Chaos.ChaosRun.RunAsync(args[1..]);
    case "dashboard":
        return await DashboardSpeed.RunAsync(args[1..]);
    case "run" when args.Length == 4:
        return await Workflows.Benchmarks.Throughput.MeasuredRun.RunAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
    case "trickle" when args.Length == 4:
        return await Workflows.Benchmarks.Throughput.MeasuredRun.TrickleAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
    case "fuzz":
        return await FuzzCommand.RunAsync(args[1..]);
    case "load":
        return await LoadCommand.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Workflows.Benchmarks -- <scenario>");
        Console.Error.WriteLine("scenarios: build-time   (build with and without the generator and analyzers; generator time per edit)");
        Console.Error.WriteLine("           container    (a container task through the engine vs docker run --rm from the CLI)");
        Console.Error.WriteLine("           vs-hangfire  (no-op jobs end to end, fail-once, 5-task chains, start latency: this engine vs Hangfire.PostgreSql) [--jobs N] [--runs N] [--trickle N] [--dag-jobs N]");
        Console.Error.WriteLine("           dashboard    (jobs page and job page p95 with N jobs in the store, live log delay) [--jobs N] [--requests N]");
        Console.Error.WriteLine("           chaos        (3 hosts, own PostgreSQL; SIGKILLs, PostgreSQL restarts, network drops; then the invariant checker) [--jobs N] [--minutes M] [--seed S] [--docker-restarts]");
        Console.Error.WriteLine("           vs-wolverine (the same against Wolverine's durable local queue, its cascading messages and PostgreSQL transport) [--jobs N] [--runs N] [--trickle N] [--dag-jobs N]");
        Console.Error.WriteLine("           fuzz         (one fuzz target's long run; docs/fuzzing-and-load.md) --target yaml|templates|scriban|http [--cases N] [--seed S]");
        Console.Error.WriteLine("           load         (API clients submitting, reading, retrying on a served host; p50/p99, errors, memory) [--clients N] [--seconds N]");
        return 2;
}

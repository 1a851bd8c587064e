using Workflows.Samples;

// The seed jobs, run for real.
//   run [FILE.yaml…]   run the seed YAML jobs (default: both seeds) end to end on the embedded default PostgreSQL
//   check [--mermaid]  validate the C# samples, print their DAG, check the seed YAML means the same as the C#
//   serve [--urls URL] the runtime and HTTP API inside this app, running its compiled C# workflows
return args.FirstOrDefault() switch
{
    "serve" => await ServeCommand.RunAsync(args[1..]),
    "check" => CheckCommand.Run(args[1..]),
    "run" => await RunCommand.RunAsync(args[1..]),
    null => await RunCommand.RunAsync([]),
    var other => Usage(other),
};

static int Usage(string command)
{
    Console.Error.WriteLine($"Unknown command '{command}'. Use: run [FILE.yaml…] | check [--mermaid] | serve [--urls URL]");
    return 2;
}

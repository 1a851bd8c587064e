using Workflows.Benchmarks;

var scenario = args.FirstOrDefault();
switch (scenario)
{
    case "build-time":
        return BuildTime.Run();
    case "container":
        return await ContainerOverhead.RunAsync();
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Workflows.Benchmarks -- <scenario>");
        Console.Error.WriteLine("scenarios: build-time   (build with and without the generator and analyzers; generator time per edit)");
        Console.Error.WriteLine("           container    (a container task through the engine vs docker run --rm from the CLI)");
        return 2;
}

using Workflows.Benchmarks;

var scenario = args.FirstOrDefault();
switch (scenario)
{
    case "build-time":
        return BuildTime.Run();
    default:
        Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Workflows.Benchmarks -- <scenario>");
        Console.Error.WriteLine("scenarios: build-time   (build with and without the generator and analyzers; generator time per edit)");
        return 2;
}

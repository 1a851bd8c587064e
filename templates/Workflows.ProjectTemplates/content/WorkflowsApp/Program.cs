using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Workflows;

// appsettings.json is read from beside the app, wherever it is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

// The job store (ConnectionStrings:Workflows, else an embedded PostgreSQL), the executors and the workers,
// configured by the "Workflows" section of appsettings.json; then every [Workflow] class of this assembly.
builder.Services.AddWorkflows(builder.Configuration);
builder.Services.AddWorkflowsFromAssembly();

using var host = builder.Build();
await host.StartAsync();

// Submit one job and wait for its end; a worker app would only run the host (await host.RunAsync()).
var client = host.Services.GetRequiredService<WorkflowClient>();
var id = await client.SubmitAsync("hello", new Dictionary<string, string> { ["Name"] = args.FirstOrDefault() ?? "world" });
var job = await client.WaitForEndAsync(id, TimeSpan.FromMinutes(5));
Console.WriteLine($"Job {job}");
await host.StopAsync();

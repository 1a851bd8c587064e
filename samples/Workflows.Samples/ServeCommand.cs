using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Workflows.Samples;

/// <summary>
/// <c>serve [--urls URL]</c>: the Workflows runtime and HTTP API inside an application of its own, the way a team adds
/// it to theirs: <c>AddWorkflows(...)</c>, the compiled C# workflows of this assembly with the generated
/// <c>AddWorkflowsFromAssembly()</c>, and <c>MapWorkflowsApi()</c>. The compiled seed jobs call a local stand-in of
/// jsonplaceholder (no internet here).
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using var placeholder = await PlaceholderServer.StartAsync();
        var builder = WebApplication.CreateBuilder(args);
        if (builder.Configuration["urls"] is { } urls)
        {
            builder.WebHost.UseUrls(urls);
        }

        builder.Services.AddWorkflows(builder.Configuration, options =>
        {
            options.HttpRedirects["https://jsonplaceholder.typicode.com"] = placeholder.BaseAddress.ToString();
            options.HttpRedirects["http://127.0.0.1:5080"] = placeholder.BaseAddress.ToString();
        });
        builder.Services.AddWorkflowsFromAssembly();
        builder.Services.AddWorkflowsApi();

        var app = builder.Build();
        app.MapWorkflowsApi();
        await app.StartAsync();
        Console.WriteLine($"samples: listening on {string.Join(", ", app.Urls)}");
        await app.WaitForShutdownAsync();
        return 0;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Workflows.Host.Serving;

/// <summary>The served host: workers, the HTTP API under <c>/api</c>, the dashboard at <c>/</c> (unless <c>Workflows:Dashboard:Mode</c> is Off), <c>/openapi/v1.json</c>, <c>/health</c>, OpenTelemetry.</summary>
public static class WorkflowsWebApp
{
    /// <summary>Builds the app from arguments and configuration (appsettings.json, environment, <c>--Key=Value</c> arguments).</summary>
    /// <param name="args">Configuration arguments, e.g. <c>--ConnectionStrings:Workflows=…</c>, <c>--Workflows:WorkerCount=4</c>.</param>
    /// <param name="urls">The URLs to listen on, or null for the configured ones (<c>Urls</c>, default http://localhost:5000).</param>
    /// <param name="configure">More services, e.g. compiled workflows or option overrides (applied after the Workflows ones).</param>
    public static WebApplication Build(string[] args, string? urls = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = HostSetup.ContentRoot });
        if (urls is not null)
        {
            builder.WebHost.UseUrls(urls);
        }

        builder.Services.AddWorkflows(builder.Configuration);
        builder.Services.AddWorkflowsApi(options => builder.Configuration.GetSection("Workflows:Api").Bind(options));
        builder.Services.AddWorkflowsDashboard(options => builder.Configuration.GetSection("Workflows:Dashboard").Bind(options));
        builder.Services.AddHostedService<DefinitionFolderLoader>();
        builder.Services.AddOpenApi(options => options.AddWorkflowsApi());
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        AddTelemetry(builder);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseWorkflowsApiErrors();
        app.MapOpenApi();
        app.MapHealthChecks("/health");
        app.MapWorkflowsApi();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Workflows.Dashboard.WorkflowsDashboardOptions>>().Value.Mode != Workflows.Dashboard.DashboardMode.Off)
        {
            app.MapWorkflowsDashboard("/");
        }

        return app;
    }

    /// <summary>The addresses the started app listens on (with the real port when asked for port 0).</summary>
    /// <param name="app">The started app.</param>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>
    /// Traces (a span per job and per task attempt, from the <c>Workflows</c> source) and metrics (the <c>Workflows</c>
    /// meter) through the standard OpenTelemetry hosting extensions; exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(WorkflowsTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(WorkflowsTelemetry.Name));
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing.AddOtlpExporter()).WithMetrics(metrics => metrics.AddOtlpExporter());
        }
    }
}

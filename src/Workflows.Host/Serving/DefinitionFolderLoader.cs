using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Api.Operations;
using Workflows.Api.Security;

namespace Workflows.Host.Serving;

/// <summary>
/// <c>Workflows:Definitions</c>: at start, every *.yaml / *.yml in that folder is validated and stored as a definition
/// version (unchanged files keep their version), exactly as an upload through the API. A file with errors is logged
/// in the compiler's format and skipped; the others are served.
/// </summary>
internal sealed partial class DefinitionFolderLoader(IConfiguration configuration, WorkflowsOperations operations, ILogger<DefinitionFolderLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = configuration["Workflows:Definitions"];
        if (string.IsNullOrWhiteSpace(folder))
        {
            return;
        }

        if (!Directory.Exists(folder))
        {
            throw new InvalidOperationException($"Workflows:Definitions is '{folder}', which is not a folder. Point it at a folder of YAML job definitions, or remove the setting.");
        }

        var caller = ApiCaller.Operator("folder:" + Path.GetFullPath(folder));
        foreach (var file in Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                     .Order(StringComparer.Ordinal))
        {
            var result = await operations.UploadDefinitionAsync(caller, await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (result.IsSuccess)
            {
                LogLoaded(logger, file, result.Value!.JobType, result.Value.Latest?.Version ?? 0, result.Value.Created == true ? "new version" : "unchanged");
                continue;
            }

            LogSkipped(logger, file, result.Error!.Error);
            foreach (var d in result.Error.Diagnostics ?? [])
            {
                LogDiagnostic(logger, $"{file}({d.Line},{d.Col}): {d.Severity} {d.Id}: {d.Message}");
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {File}: job type '{JobType}' version {Version} ({What}).")]
    private static partial void LogLoaded(ILogger logger, string file, string jobType, int version, string what);

    [LoggerMessage(Level = LogLevel.Error, Message = "Skipped {File}: {Problem}")]
    private static partial void LogSkipped(ILogger logger, string file, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Diagnostic}")]
    private static partial void LogDiagnostic(ILogger logger, string diagnostic);
}

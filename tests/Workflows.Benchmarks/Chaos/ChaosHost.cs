using System.Diagnostics;

namespace Workflows.Benchmarks.Chaos;

/// <summary>One <c>workflows serve</c> process of the chaos run, reaching the cluster through its own relay; killed with SIGKILL and started again.</summary>
internal sealed class ChaosHost(int index, string executable, string root, string connectionString) : IDisposable
{
    private Process? _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public int Index => index;

    public int HttpPort { get; } = ChaosCluster.FreePort();

    public int Starts { get; private set; }

    public void Start()
    {
        var data = Path.Combine(root, $"host{index}");
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        foreach (var arg in new[] { executable, "serve", "--urls", $"http://127.0.0.1:{HttpPort}" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Workflows"] = connectionString;
        start.Environment["Workflows__Schema"] = "workflows";
        start.Environment["Workflows__DataDirectory"] = data;
        start.Environment["Workflows__WorkerCount"] = "4";
        start.Environment["Workflows__Lease"] = "00:00:15";
        start.Environment["Workflows__PollInterval"] = "00:00:01";
        start.Environment["Workflows__DockerEndpoint"] = Workflows.TestSupport.TestInfrastructure.DockerEndpoint.ToString();
        start.Environment["Workflows__Execution__AllowShell"] = "true";
        start.Environment["Workflows__Execution__HttpAllowLocalAddresses"] = "true"; // the http jobs call a server on 127.0.0.1
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment.Remove("WORKFLOWS_SERVER");
        start.Environment.Remove("WORKFLOWS_TOKEN");
        _process = Process.Start(start)!;
        File.AppendAllText(Path.Combine(root, $"host{index}.log"), $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} chaos: started pid {_process.Id}\n");
        var log = Path.Combine(root, $"host{index}.log");
        _ = Task.Run(() => CopyAsync(_process.StandardOutput, log));
        _ = Task.Run(() => CopyAsync(_process.StandardError, log));
        Starts++;
    }

    private static async Task CopyAsync(StreamReader from, string path)
    {
        while (await from.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (typeof(ChaosHost))
            {
                File.AppendAllText(path, $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}\n");
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, its running attempts are left to their leases.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: false);
        _process?.WaitForExit();
        File.AppendAllText(Path.Combine(root, $"host{index}.log"), $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} chaos: SIGKILL\n");
    }

    /// <summary>True when the host answers <c>/health</c> with 200 (its database reachable).</summary>
    public async Task<bool> HealthyAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/health")).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        _http.Dispose();
    }
}

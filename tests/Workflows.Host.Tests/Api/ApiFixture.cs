using Workflows.Host.Tests.Support;

namespace Workflows.Host.Tests.Api;

/// <summary>One served host for the API tests of a class (each test uses job types of its own).</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    internal ServedHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServedHost.StartAsync("api");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Workflows.Hosting.Tests;

/// <summary>Option maps whose keys hold colons, bound from configuration (no database needed).</summary>
public class ConfigurationMapsTests
{
    private static WorkflowsOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var provider = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value;
    }

    [Fact]
    public void Image_fallbacks_keep_their_tags_and_plain_names()
    {
        var options = Bind(new()
        {
            ["Workflows:ImageFallbacks:alpine:latest"] = "workflows-test-busybox:1",
            ["Workflows:ImageFallbacks:ubuntu"] = "workflows-test-busybox:1",
            ["Workflows:ImageFallbacks:registry.example.com:5000/team/tool:1.2"] = "local/tool:1",
        });

        Assert.Equal(
            [("alpine:latest", "workflows-test-busybox:1"), ("registry.example.com:5000/team/tool:1.2", "local/tool:1"), ("ubuntu", "workflows-test-busybox:1")],
            options.ImageFallbacks.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)));
    }

    [Fact]
    public void Http_redirects_keep_their_schemes_and_ports()
    {
        var options = Bind(new()
        {
            ["Workflows:HttpRedirects:https://jsonplaceholder.typicode.com"] = "http://127.0.0.1:5099/",
            ["Workflows:HttpRedirects:http://127.0.0.1:5080"] = "http://127.0.0.1:5099/",
        });

        Assert.Equal("http://127.0.0.1:5099/", options.HttpRedirects["https://jsonplaceholder.typicode.com"]);
        Assert.Equal("http://127.0.0.1:5099/", options.HttpRedirects["http://127.0.0.1:5080"]);
        Assert.Equal(2, options.HttpRedirects.Count);
    }

    [Fact]
    public void Environment_variables_name_tagged_images_too()
    {
        Environment.SetEnvironmentVariable("WFCMT_Workflows__ImageFallbacks__alpine:3.20", "workflows-test-busybox:1");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables("WFCMT_").Build();
            using var provider = new ServiceCollection().AddWorkflows(configuration).BuildServiceProvider();
            Assert.Equal("workflows-test-busybox:1", provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value.ImageFallbacks["alpine:3.20"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WFCMT_Workflows__ImageFallbacks__alpine:3.20", null);
        }
    }
}

using Docker.DotNet;
using Docker.DotNet.Models;
using Workflows.TestSupport;

namespace Workflows.Infrastructure.Tests;

public class DockerSmokeTests
{
    [Fact]
    public async Task A_real_container_prints_and_exits_with_code_3()
    {
        using var docker = new DockerClientBuilder().WithEndpoint(TestInfrastructure.DockerEndpoint).Build();
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = TestInfrastructure.TestImage,
            Cmd = ["sh", "-c", "echo hi from busybox; exit 3"],
            Labels = new Dictionary<string, string> { ["workflows.test"] = "smoke" },
        });
        try
        {
            await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            var exit = await docker.Containers.WaitContainerAsync(created.ID);
            Assert.Equal(3, exit.StatusCode);

            using var logs = await docker.Containers.GetContainerLogsAsync(created.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
            var (stdout, _) = await logs.ReadOutputToEndAsync(CancellationToken.None);
            Assert.Equal("hi from busybox\n", stdout);
        }
        finally
        {
            await docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}

using Workflows.Definitions;
using Workflows.Executors.Logs;
using Workflows.Executors.Tests.Support;

namespace Workflows.Executors.Tests.Shell;

public class OutputCaptureTests
{
    [Fact]
    public void Stdout_output_lines_are_collected_passed_on_and_bounded_with_a_system_line_for_what_is_dropped()
    {
        var log = new MemoryTaskLog();
        var capture = new OutputCapture(log);

        capture.Write(LogSource.Stdout, "::set-output name=Version::1");
        capture.Write(LogSource.Stdout, "::set-output name=Version::2");
        capture.Write(LogSource.Stderr, "::set-output name=FromStderr::no");
        capture.Write(LogSource.Stdout, "::set-output name=Big::" + new string('x', TaskOutputs.MaxValueLength + 1));
        for (var i = 0; i < TaskOutputs.MaxCount; i++)
        {
            capture.Write(LogSource.Stdout, $"::set-output name=N{i}::{i}");
        }

        Assert.Equal("2", capture.Outputs["Version"]);
        Assert.False(capture.Outputs.ContainsKey("FromStderr"));
        Assert.False(capture.Outputs.ContainsKey("Big"));
        Assert.Equal(TaskOutputs.MaxCount, capture.Outputs.Count); // Version and N0…N62; N63 dropped
        Assert.Contains(log.Lines, l => l.Source == LogSource.System && l.Line.StartsWith("output 'Big' dropped: its value has 4097 characters", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Source == LogSource.System && l.Line == $"output 'N63' dropped: an attempt keeps at most {TaskOutputs.MaxCount} outputs");
        Assert.Contains((LogSource.Stdout, "::set-output name=Version::1"), log.Lines); // the lines stay in the log
    }
}

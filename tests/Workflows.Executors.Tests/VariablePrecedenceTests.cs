using Workflows.Definitions;
using Workflows.Executors.Secrets;

namespace Workflows.Executors.Tests;

/// <summary>
/// What an attempt's templates see when names collide, in formicary's order (FORMICARY-FORMAT §6.2): job variables,
/// then configs, then request params, then earlier tasks' outputs, then the task's own variables — so a request param
/// overrides a job variable's default, as formicary's examples do (<c>-p regions=[…]</c>).
/// </summary>
public sealed class VariablePrecedenceTests
{
    [Fact]
    public void Configs_override_job_variables_params_override_both_outputs_override_params_and_task_variables_override_all()
    {
        static NamedValue V(string name, string value) => new(name, value);
        var task = new TaskDefinition
        {
            TaskType = "show",
            Method = TaskMethod.Shell,
            Script = EquatableArray.Create("{{ A }} {{ B }} {{ C }} {{ D }} {{ E }}"),
            Variables = EquatableArray.Create(V("E", "task")),
        };
        var job = new JobDefinition
        {
            JobType = "precedence",
            Tasks = EquatableArray.Create(task),
            JobVariables = EquatableArray.Create(V("A", "job"), V("B", "job"), V("C", "job"), V("D", "job"), V("E", "job")),
        };
        var request = new AttemptRequest("job-1", job, new Dictionary<string, string> { ["C"] = "param", ["D"] = "param", ["E"] = "param" }, task, 1, 0, null)
        {
            Configs = new AttemptConfigs(new Dictionary<string, string> { ["B"] = "config", ["C"] = "config" }, new HashSet<string>()),
            Context = new Dictionary<string, string> { ["D"] = "output", ["E"] = "output" },
        };

        var rendered = TaskRunner.Render(request, DateTimeOffset.UnixEpoch, new Random(1));

        Assert.Equal(["job config param output task"], rendered.Script);
    }
}

using System.CommandLine;
using Workflows.Api.Contracts;
using Workflows.Host.Output;
using Workflows.Runtime;

namespace Workflows.Host.Commands;

/// <summary>
/// <c>workflows approvals list | approve JOB [--task T] [--comment C] | reject JOB --comment C [--task T]</c>: the MANUAL
/// gates waiting for votes, and votes on them as the token's owner (with <c>--server --token</c>) or the local operator.
/// </summary>
internal static class ApprovalsCommand
{
    public static Command Create(BackendOptions backend, TextWriter output, TextWriter error)
    {
        var approvals = new Command("approvals", "MANUAL approval gates: list the ones waiting for votes, approve or reject one.");

        var list = new Command("list", "The gates waiting for votes, one per job.");
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.PendingApprovalsAsync(0, 200, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            Printer.Table(output, ["JOB", "TYPE", "TASK", "APPROVALS", "REJECTIONS", "WAITING SINCE", "DEADLINE"], result.Value!.Approvals.Select(a => (IReadOnlyList<string>)
                [a.JobId, a.JobType, a.TaskType, $"{a.Approvals}/{a.Policy.MinApprovals}", a.Rejections.ToString(System.Globalization.CultureInfo.InvariantCulture), Printer.Time(a.WaitingSince),
                 a.Escalated ? "escalated" : Printer.Time(a.Deadline)]));
            return 0;
        });
        approvals.Subcommands.Add(list);
        approvals.Subcommands.Add(Vote("approve", "Approve a job's waiting gate.", ApprovalDecision.Approved, backend, output, error));
        approvals.Subcommands.Add(Vote("reject", "Reject a job's waiting gate (a comment is required).", ApprovalDecision.Rejected, backend, output, error));
        return approvals;
    }

    private static Command Vote(string name, string description, ApprovalDecision decision, BackendOptions backend, TextWriter output, TextWriter error)
    {
        var job = new Argument<string>("job-id") { Description = "The job whose gate to vote on." };
        var task = new Option<string?>("--task") { Description = "The MANUAL task (default: the job's gate that waits for votes)." };
        var comment = new Option<string?>("--comment") { Description = decision == ApprovalDecision.Rejected ? "Why (required to reject)." : "Why (optional)." };
        var command = new Command(name, description) { job, task, comment };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var id = parsed.GetValue(job)!;
            var gate = parsed.GetValue(task);
            if (gate is null)
            {
                var found = await api.GetJobAsync(id, ct);
                if (!found.IsSuccess)
                {
                    return Printer.Fail(found, error);
                }

                var waiting = found.Value!.Tasks?.Where(t => t.Status == TaskRunStatus.AwaitingApproval).Select(t => t.TaskType).ToList() ?? [];
                if (waiting.Count != 1)
                {
                    error.WriteLine($"Job {id} is {Printer.State(found.Value.Status)} and has no gate waiting for votes; name one with --task.");
                    return 1;
                }

                gate = waiting[0];
            }

            var result = await api.VoteAsync(id, gate, new VoteBody { Decision = JobDecider.Word(decision), Comments = parsed.GetValue(comment) }, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            var approval = result.Value!;
            output.WriteLine($"{JobDecider.Word(decision).ToLowerInvariant()} '{approval.TaskType}' of job {approval.JobId}: {approval.Status.Replace('_', ' ')} ({approval.Approvals} of {approval.Policy.MinApprovals} approvals, {approval.Rejections} rejections)");
            return 0;
        });
        return command;
    }
}

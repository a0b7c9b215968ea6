// `strata agent approvals list|approve|deny`: the people's side of approvals, recorded with who and why.
using System.CommandLine;
using Strata.Agents;

namespace Strata.Cli;

/// <summary>Builds the approvals commands.</summary>
internal static class AgentApprovals
{
    public static Command Create() => new("approvals", "list and resolve the approvals tasks wait on")
    {
        List(),
        Resolve(approve: true),
        Resolve(approve: false),
    };

    private static Command List()
    {
        var store = AgentOptions.Store();
        var task = new Option<string?>("--task") { Description = "only this task's approvals" };
        var all = new Option<bool>("--all") { Description = "resolved ones too" };
        var command = new Command("list", "list pending approvals (with --all, every approval)") { store, task, all };
        command.SetAction(parse =>
        {
            using var opened = AgentStore.Open(parse.GetValue(store)!);
            var approvals = opened.Approvals(parse.GetValue(task), parse.GetValue(all) ? null : ApprovalStatus.Pending);
            foreach (var approval in approvals)
            {
                Console.Out.WriteLine($"{approval.ApprovalId}  {approval.Status,-8} {approval.TaskId}  step {approval.StepIndex}  {approval.Kind,-8} {approval.Tool}  args {approval.ArgumentsHash[..12]}  key {approval.IdempotencyKey}");
                Console.Out.WriteLine($"    {approval.Rule}: {approval.Reason}");
                if (approval.ResolvedBy is not null)
                {
                    Console.Out.WriteLine($"    {approval.Status} by {approval.ResolvedBy} at {approval.ResolvedAt:u}: {approval.ResolutionReason}");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command Resolve(bool approve)
    {
        var id = new Argument<string>("APPROVAL_ID") { Description = "the approval" };
        var store = AgentOptions.Store();
        var by = new Option<string>("--by") { Description = "who resolves it", Required = true };
        var reason = new Option<string>("--reason") { Description = "why", Required = true };
        var command = new Command(approve ? "approve" : "deny",
            approve ? "approve exactly the call an approval names; `strata agent resume` then runs it" : "deny it; the task goes on without the call")
        {
            id, store, by, reason,
        };
        command.SetAction(parse =>
        {
            using var opened = AgentStore.Open(parse.GetValue(store)!);
            var approvalId = parse.GetValue(id)!;
            var outcome = opened.ResolveApproval(approvalId, approve ? ApprovalStatus.Approved : ApprovalStatus.Denied,
                parse.GetValue(by)!, parse.GetValue(reason)!, TimeProvider.System.GetUtcNow());
            switch (outcome)
            {
                case ApprovalResolution.NotFound:
                    throw new ArgumentException($"no approval '{approvalId}' in {parse.GetValue(store)}");
                case ApprovalResolution.AlreadyResolved:
                    Console.Error.WriteLine($"error: {approvalId} was already resolved; nothing changed");
                    return CliErrors.BadInput;
                default:
                    Console.Out.WriteLine($"{approvalId} {(approve ? "approved" : "denied")}");
                    return 0;
            }
        });
        return command;
    }
}

// `strata agent evidence show|verify`: a task's whole path from its ledger, and the check of the ledger's hash chain.
using System.CommandLine;
using Strata.Agents;
using Strata.Evidence.Ledger;

namespace Strata.Cli;

/// <summary>Builds the evidence commands. Verify exits 0 only when the chain is intact, 1 naming the first altered record.</summary>
internal static class AgentEvidence
{
    public static Command Create() => new("evidence", "show or verify a task's evidence ledger")
    {
        Show(),
        Verify(),
    };

    private static Command Show()
    {
        var id = new Argument<string>("TASK_ID") { Description = "the task" };
        var store = AgentOptions.Store();
        var command = new Command("show", "print the task's path: contract, context hashes, route, decisions with their rules, approvals, tool and model calls, outcome")
        {
            id, store,
        };
        command.SetAction(parse =>
        {
            using var opened = AgentStore.Open(parse.GetValue(store)!);
            var taskId = parse.GetValue(id)!;
            var task = opened.FindTask(taskId) ?? throw new ArgumentException($"no task '{taskId}' in {parse.GetValue(store)}");
            Console.Out.WriteLine($"task {task.TaskId}  tenant {task.Tenant}  {AgentCommand.Name(task.Status)}  {task.StopReason}");
            foreach (var entry in opened.Ledger(taskId))
            {
                Console.Out.WriteLine($"#{entry.Sequence,-4} {entry.At:yyyy-MM-dd HH:mm:ss.fff}  {entry.Kind,-22} {entry.PayloadJson}");
            }

            return 0;
        });
        return command;
    }

    private static Command Verify()
    {
        var id = new Argument<string>("TASK_ID") { Description = "the task" };
        var store = AgentOptions.Store();
        var command = new Command("verify", "check the task's hash chain; exit 0 only when every record is intact") { id, store };
        command.SetAction(parse =>
        {
            using var opened = AgentStore.Open(parse.GetValue(store)!);
            var taskId = parse.GetValue(id)!;
            _ = opened.FindTask(taskId) ?? throw new ArgumentException($"no task '{taskId}' in {parse.GetValue(store)}");
            var entries = opened.Ledger(taskId);
            var verdict = LedgerChain.Verify(taskId, entries);
            if (verdict.Intact)
            {
                Console.Out.WriteLine($"intact: {verdict.RecordCount} records, head {(entries.Count == 0 ? LedgerChain.Genesis : entries[^1].Hash)}");
                return 0;
            }

            Console.Out.WriteLine($"ALTERED: record {verdict.FirstBadSequence}: {verdict.Problem}");
            return 1;
        });
        return command;
    }
}

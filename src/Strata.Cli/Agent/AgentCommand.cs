// `strata agent`: run, submit, resume, status and cancel governed tasks; resolve approvals; show and verify evidence.
using System.CommandLine;
using Strata.Agents;

namespace Strata.Cli;

/// <summary>
/// Builds the agent command tree. Exit codes of run and resume: 0 completed, 3 waiting for approval, 1 failed or
/// cancelled, 2 bad input (a task file naming the wrong field, an unreadable store).
/// </summary>
internal static class AgentCommand
{
    public static Command Create() => new("agent", "run governed, durable agent tasks: contracts, policy, approvals, checkpoints, evidence")
    {
        Run(submitOnly: false),
        Run(submitOnly: true),
        Resume(),
        Status(),
        Cancel(),
        AgentApprovals.Create(),
        AgentEvidence.Create(),
    };

    private static Command Run(bool submitOnly)
    {
        var file = new Argument<string[]>("TASK")
        {
            Description = submitOnly ? "task contract files (JSON)" : "task contract file (JSON)",
            Arity = ArgumentArity.OneOrMore,
        };
        var store = AgentOptions.Store();
        var options = new AgentOptions();
        var command = new Command(submitOnly ? "submit" : "run",
            submitOnly ? "validate and store tasks without running them; prints their ids" : "submit a task and run it; prints its id, then its outcome")
        {
            file, store,
        };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            if (!submitOnly && parse.GetValue(file)!.Length > 1)
            {
                throw new ArgumentException("run takes one task file; submit several with `strata agent submit` and run them with `strata agent resume`");
            }

            var profile = options.Profile(parse) ?? new AgentProfile();
            // Every file is validated before the store is opened, so a bad file among many stores (and creates) nothing.
            var contracts = new List<TaskContract>();
            foreach (var path in parse.GetValue(file)!)
            {
                contracts.Add(ReadContract(path));
            }

            using var opened = AgentStore.Open(parse.GetValue(store)!);
            var host = AgentHost.CreateAsync(opened, profile, AgentRoutes.Connect).GetAwaiter().GetResult();
            using var release = Release(host);
            var taskId = "";
            foreach (var contract in contracts)
            {
                taskId = host.Runtime.Submit(contract, host.ProfileJson);
                Console.Out.WriteLine(taskId);
            }

            if (submitOnly)
            {
                return 0;
            }

            var result = host.Runtime.RunAsync(taskId).GetAwaiter().GetResult();
            return Report(result);
        });
        return command;
    }

    private static Command Resume()
    {
        var id = new Argument<string?>("TASK_ID") { Description = "the task to resume (default: every unfinished task)", Arity = ArgumentArity.ZeroOrOne };
        var store = AgentOptions.Store();
        var options = new AgentOptions();
        var command = new Command("resume", "continue tasks from their last checkpoint (after a crash, or once approvals are resolved)")
        {
            id, store,
        };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var overrides = options.Profile(parse);
            using var opened = AgentStore.Open(parse.GetValue(store)!);
            var tasks = parse.GetValue(id) is { } taskId
                ? [opened.FindTask(taskId) ?? throw new ArgumentException($"no task '{taskId}' in {parse.GetValue(store)}")]
                : opened.Tasks();
            var code = 0;
            foreach (var task in tasks)
            {
                if (task.IsTerminal)
                {
                    code = Math.Max(code, Report(new TaskRunResult(task.TaskId, task.Status, task.StopReason, task.Answer, [])));
                    continue;
                }

                var profile = overrides ?? AgentJson.Read<AgentProfile>(task.ProfileJson);
                var host = AgentHost.CreateAsync(opened, profile, AgentRoutes.Connect).GetAwaiter().GetResult();
                using var release = Release(host);
                code = Math.Max(code, Report(host.Runtime.RunAsync(task.TaskId).GetAwaiter().GetResult()));
            }

            return code;
        });
        return command;
    }

    private static Command Status()
    {
        var id = new Argument<string?>("TASK_ID") { Description = "one task (default: every task)", Arity = ArgumentArity.ZeroOrOne };
        var store = AgentOptions.Store();
        var command = new Command("status", "list tasks, or show one task's steps") { id, store };
        command.SetAction(parse =>
        {
            using var opened = AgentStore.Open(parse.GetValue(store)!);
            if (parse.GetValue(id) is not { } taskId)
            {
                foreach (var task in opened.Tasks())
                {
                    Console.Out.WriteLine($"{task.TaskId}  {Name(task.Status),-16} {task.Tenant,-12} {task.SubmittedAt:u}  {task.StopReason}");
                }

                return 0;
            }

            var one = opened.FindTask(taskId) ?? throw new ArgumentException($"no task '{taskId}' in {parse.GetValue(store)}");
            Console.Out.WriteLine($"{one.TaskId}  {Name(one.Status)}  {one.StopReason}");
            foreach (var step in opened.Steps(taskId))
            {
                Console.Out.WriteLine($"  step {step.Index,3}  {step.Kind,-12} {step.Status,-16} {step.Name,-16} attempts={step.Attempts}  {step.Detail}");
            }

            return 0;
        });
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("TASK_ID") { Description = "the task to cancel" };
        var store = AgentOptions.Store();
        var by = new Option<string>("--by") { Description = "who cancels it", Required = true };
        var reason = new Option<string>("--reason") { Description = "why", Required = true };
        var command = new Command("cancel", "cancel a task: its pending approvals are denied, and its next run compensates its completed steps") { id, store, by, reason };
        command.SetAction(parse =>
        {
            using var opened = AgentStore.Open(parse.GetValue(store)!);
            var taskId = parse.GetValue(id)!;
            _ = opened.FindTask(taskId) ?? throw new ArgumentException($"no task '{taskId}' in {parse.GetValue(store)}");
            var host = AgentHost.CreateAsync(opened, new AgentProfile(), AgentRoutes.Connect).GetAwaiter().GetResult();
            using var release = Release(host);
            var cancelled = host.Runtime.Cancel(taskId, parse.GetValue(by)!, parse.GetValue(reason)!);
            Console.Out.WriteLine(cancelled ? "cancelling: run `strata agent resume` to compensate" : "the task had already finished");
            return 0;
        });
        return command;
    }

    private static TaskContract ReadContract(string path)
    {
        try
        {
            return AgentJson.ReadContract(File.ReadAllText(path), TimeProvider.System.GetUtcNow());
        }
        catch (ContractException error)
        {
            throw new ArgumentException($"{path}: {error.Message}", error);
        }
    }

    internal static int Report(TaskRunResult result)
    {
        var reason = result.StopReason is { } r && r != Name(result.Status) ? " " + r : "";
        Console.Out.WriteLine($"{result.TaskId} {Name(result.Status)}{reason}");
        foreach (var approval in result.PendingApprovals)
        {
            Console.Out.WriteLine($"  waiting for approval {approval.ApprovalId}: {approval.Tool} ({approval.Rule}) {approval.Reason}");
        }

        if (result.Status == AgentTaskStatus.Completed && result.Answer is { } answer)
        {
            Console.Out.WriteLine(answer);
        }

        return result.Status switch
        {
            AgentTaskStatus.Completed => 0,
            AgentTaskStatus.WaitingApproval => AgentOptions.WaitingApproval,
            AgentTaskStatus.Running or AgentTaskStatus.Compensating when result.PendingApprovals.Count > 0 => AgentOptions.WaitingApproval,
            _ => AgentOptions.TaskFailed,
        };
    }

    // Disposes the host (stops its MCP servers) when the command ends.
    private static Releaser Release(AgentHost host) => new(host);

    internal static string Name(AgentTaskStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private sealed class Releaser(AgentHost host) : IDisposable
    {
        public void Dispose() => host.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

// A temporary folder holding one agent store and the task, policy and script files a user of `strata agent` writes.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Strata.Cli.Tests;

/// <summary>
/// The governed example (examples/agents/governed) moved into a fresh temp folder: its task's inputs and its policy's
/// folder rules point there, never at /tmp/strata-agent-demo. Runs `strata agent …` against the folder's store.
/// </summary>
internal sealed partial class AgentWorkspace : IDisposable
{
    /// <summary>A fresh folder; the store is <paramref name="store"/> (as --store takes it) or tasks.db in the folder.</summary>
    public AgentWorkspace(string? store = null)
    {
        Folder = Path.Combine(Path.GetTempPath(), "strata-agent-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Store = store ?? Path.Combine(Folder, "tasks.db");
    }

    /// <summary>The temp folder; the policy allows reads and approved writes inside it only.</summary>
    public string Folder { get; }

    /// <summary>The store every <see cref="Agent"/> call names (a file in the folder unless the constructor was given one).</summary>
    public string Store { get; }

    /// <summary>Where the governed task writes its summary.</summary>
    public string Report => Path.Combine(Folder, "report.txt");

    /// <summary>The governed example's script (read, then write), used as it is: its paths come from the task's inputs.</summary>
    public static string GovernedScript => Example("script.json");

    /// <summary>Runs `strata agent ARGS --store STORE`.</summary>
    public ProcessResult Agent(params string[] args) => StrataProcess.Run(["agent", .. args, "--store", Store]);

    /// <summary>Runs the governed task with the governed policy and script: exit 3, waiting on the write's approval.</summary>
    public (string TaskId, string ApprovalId) RunGovernedUntilWaiting()
    {
        var run = Agent("run", GovernedTask(), "--policy", GovernedPolicy(), "--script", GovernedScript);
        Assert.True(run.ExitCode == 3, run.StdErr + run.StdOut);
        return (Lines(run.StdOut)[0], ApprovalIdIn(run.StdOut));
    }

    /// <summary>Writes notes.txt and the governed task file (inputs moved into the folder); returns its path.</summary>
    public string GovernedTask(string name = "task.json")
    {
        File.WriteAllText(Path.Combine(Folder, "notes.txt"), "Q4 notes: revenue up, costs flat.\n");
        var task = JsonNode.Parse(File.ReadAllText(Example("task.json")))!;
        task["inputs"] = new JsonObject { ["notes"] = Path.Combine(Folder, "notes.txt"), ["report"] = Report };
        return Write(name, task.ToJsonString());
    }

    /// <summary>Writes the governed policy with every <c>inside_folder</c> moved to the folder; returns its path.</summary>
    public string GovernedPolicy()
    {
        var policy = JsonNode.Parse(File.ReadAllText(Example("policy.json")))!;
        foreach (var rule in policy["rules"]!.AsArray())
        {
            foreach (var check in rule!["arguments"]?.AsArray() ?? [])
            {
                check!["inside_folder"] = Folder;
            }
        }

        return Write("policy.json", policy.ToJsonString());
    }

    /// <summary>Writes <paramref name="value"/> as JSON to a file in the folder; returns its path.</summary>
    public string WriteJson(string name, object value) => Write(name, JsonSerializer.Serialize(value));

    /// <summary>Writes <paramref name="text"/> to a file in the folder; returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The approval id in a run's or resume's "waiting for approval apr_…" line.</summary>
    public static string ApprovalIdIn(string stdout)
    {
        var match = WaitingLine().Match(stdout);
        Assert.True(match.Success, $"no 'waiting for approval' line in:\n{stdout}");
        return match.Groups[1].Value;
    }

    /// <summary>The record kinds `strata agent evidence show` printed, in ledger order.</summary>
    public static List<string> LedgerKinds(string evidence) =>
        [.. Lines(evidence).Select(line => LedgerLine().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    /// <summary>The line of `evidence show` output whose record kind is <paramref name="kind"/> (the first of them).</summary>
    public static string LedgerLineOf(string evidence, string kind) =>
        Lines(evidence).First(line => LedgerLine().Match(line) is { Success: true } m && m.Groups[1].Value == kind);

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }

    private static string Example(string name) => Example("governed", name);

    /// <summary>A file of examples/agents/<paramref name="example"/>, found above the test binaries.</summary>
    public static string Example(string example, string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "agents", example, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"examples/agents/{example}/{name} not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"waiting for approval (apr_[0-9a-z]+):")]
    private static partial Regex WaitingLine();

    // `#12   2026-12-05 09:54:32.416  tool.completed   {...}`: sequence, date, time, kind, payload.
    [GeneratedRegex(@"^#\d+\s+\S+ \S+\s+(\S+)\s")]
    private static partial Regex LedgerLine();
}

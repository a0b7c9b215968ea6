// `strata agent` given bad input: a wrong task file, a damaged store, an unknown id; exit 2 with one line naming the cause.
namespace Strata.Cli.Tests;

public sealed class AgentInputCommandTests : IDisposable
{
    private readonly AgentWorkspace _workspace = new();

    [Fact]
    public void Run_TaskFieldMisspelt_ExitsTwoNamingFieldAndFile()
    {
        var task = _workspace.Write("misspelt.json",
            File.ReadAllText(_workspace.GovernedTask()).Replace("\"budgets\"", "\"budgetz\"", StringComparison.Ordinal));

        var run = RunTask(task);

        AssertBadInput(run, "misspelt.json", "budgetz");
        Assert.False(File.Exists(_workspace.Store), "a rejected task created the store");
    }

    [Fact]
    public void Run_TaskFileMalformedJson_ExitsTwoNamingFile()
    {
        var run = RunTask(_workspace.Write("malformed.json", "{ \"tenant\": \"acme\", "));

        AssertBadInput(run, "malformed.json");
    }

    [Fact]
    public void Run_TaskFileMissing_ExitsTwoNamingFile()
    {
        var run = RunTask(Path.Combine(_workspace.Folder, "absent.json"));

        AssertBadInput(run, "absent.json");
    }

    [Fact]
    public void Status_StoreFileGarbage_ExitsTwoSayingItIsDamaged()
    {
        var garbage = Path.Combine(_workspace.Folder, "garbage.db");
        var bytes = new byte[16384];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(garbage, bytes);

        var status = StrataProcess.Run("agent", "status", "--store", garbage);

        AssertBadInput(status, garbage, "damaged or is not a Strata store");
    }

    [Theory]
    [InlineData("status task_unknown")]
    [InlineData("resume task_unknown")]
    [InlineData("cancel task_unknown --by x --reason y")]
    [InlineData("evidence show task_unknown")]
    [InlineData("evidence verify task_unknown")]
    public void Command_UnknownTaskId_ExitsTwoNamingId(string commandLine)
    {
        var result = _workspace.Agent(commandLine.Split(' '));

        AssertBadInput(result, "no task 'task_unknown'");
    }

    [Fact]
    public void ApprovalsApprove_UnknownApprovalId_ExitsTwoNamingId()
    {
        var approve = _workspace.Agent("approvals", "approve", "apr_unknown", "--by", "ana", "--reason", "ok");

        AssertBadInput(approve, "no approval 'apr_unknown'");
    }

    public void Dispose() => _workspace.Dispose();

    private ProcessResult RunTask(string task) =>
        _workspace.Agent("run", task, "--policy", _workspace.GovernedPolicy(), "--script", AgentWorkspace.GovernedScript);

    // Exit 2, nothing on stdout, one "error: …" line on stderr holding every expected word, no stack trace.
    private static void AssertBadInput(ProcessResult result, params string[] expected)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdErr}{result.StdOut}");
        Assert.Equal("", result.StdOut);
        var line = Assert.Single(AgentWorkspace.Lines(result.StdErr));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        foreach (var word in expected)
        {
            Assert.Contains(word, line, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("internal error", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }
}

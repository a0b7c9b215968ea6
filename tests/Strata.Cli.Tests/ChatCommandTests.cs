// `strata chat` driven through redirected standard input, as a user typing turns and commands.
using Xunit;

namespace Strata.Cli.Tests;

public class ChatCommandTests
{
    private static readonly string Model = StrataProcess.Shared("stories260K.gguf");

    private static ProcessResult Chat(string input) =>
        StrataProcess.RunWithInput(input, "chat", "--model", Model, "--temperature", "0", "--max-tokens", "12", "--threads", "1");

    [Fact]
    public void Chat_SameTurnAfterReset_GivesTheSameGreedyAnswer()
    {
        var r = Chat("Once upon a time\n/reset\nOnce upon a time\n/exit\n");

        Assert.True(r.ExitCode == 0, r.StdErr);
        string[] answers = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, answers.Length);
        Assert.False(string.IsNullOrWhiteSpace(answers[0]));
        Assert.Equal(answers[0], answers[1]);
        Assert.Contains("(history cleared)", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Chat_SecondTurn_SeesTheHistory()
    {
        var fresh = Chat("Tell me more\n");
        var afterFirst = Chat("Once upon a time\nTell me more\n");

        Assert.True(afterFirst.ExitCode == 0, afterFirst.StdErr);
        string[] answers = afterFirst.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, answers.Length);
        Assert.NotEqual(fresh.StdOut.Trim(), answers[1]); // the same words after a first exchange are a different prompt
    }

    [Fact]
    public void Chat_SystemCommand_ChangesTheAnswerAndUnknownCommandsAreNamed()
    {
        var plain = Chat("Hello\n");
        var withSystem = Chat("/system You are a dragon.\nHello\n/frobnicate\n");

        Assert.True(withSystem.ExitCode == 0, withSystem.StdErr);
        Assert.Contains("(system message set; history cleared)", withSystem.StdErr, StringComparison.Ordinal);
        Assert.Contains("unknown command '/frobnicate'", withSystem.StdErr, StringComparison.Ordinal);
        Assert.NotEqual(plain.StdOut, withSystem.StdOut);
    }

    [Fact]
    public void Chat_EndOfInput_ExitsZeroWithNoAnswer()
    {
        var r = Chat(string.Empty);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(string.Empty, r.StdOut);
    }
}

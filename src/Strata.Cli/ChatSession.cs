// The read-answer loop of `strata chat`: history, slash commands, streamed answers, Ctrl+C that stops an answer only.
using Microsoft.Extensions.AI;

namespace Strata.Cli;

/// <summary>One interactive conversation over an <see cref="IChatClient"/>, reading turns from <c>input</c>.</summary>
internal sealed class ChatSession(IChatClient client, ChatOptions options, string? system, TextReader input, TextWriter output, TextWriter status)
{
    private readonly List<ChatMessage> _history = [];
    private CancellationTokenSource? _answer; // the answer being generated, if any

    /// <summary>Runs until /exit or the end of input; returns the exit code.</summary>
    public int Run()
    {
        Reset();
        bool interactive = !Console.IsInputRedirected;
        Console.CancelKeyPress += OnCancel;
        try
        {
            status.WriteLine("strata chat: /system TEXT sets the system message, /reset clears the history, /exit quits; Ctrl+C stops an answer.");
            while (true)
            {
                if (interactive)
                {
                    output.Write("> ");
                    output.Flush();
                }

                string? line = input.ReadLine();
                if (line is null || line.Trim() == "/exit")
                {
                    return 0;
                }

                if (!Command(line.Trim()) && line.Trim().Length > 0)
                {
                    Answer(line);
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    private bool Command(string line)
    {
        if (line == "/reset")
        {
            Reset();
            status.WriteLine("(history cleared)");
            return true;
        }

        if (line.StartsWith("/system", StringComparison.Ordinal) && (line.Length == 7 || line[7] == ' '))
        {
            system = line.Length > 8 ? line[8..].Trim() : null;
            Reset();
            status.WriteLine(system is null ? "(system message removed; history cleared)" : "(system message set; history cleared)");
            return true;
        }

        if (line.StartsWith('/'))
        {
            status.WriteLine($"unknown command '{line.Split(' ')[0]}'; the commands are /system TEXT, /reset, /exit");
            return true;
        }

        return false;
    }

    private void Answer(string line)
    {
        _history.Add(new ChatMessage(ChatRole.User, line));
        var text = new System.Text.StringBuilder();
        using var cancel = new CancellationTokenSource();
        Volatile.Write(ref _answer, cancel);
        try
        {
            foreach (var update in client.GetStreamingResponseAsync(_history, options, cancel.Token).ToBlockingEnumerable(cancel.Token))
            {
                output.Write(update.Text);
                output.Flush();
                text.Append(update.Text);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            status.Write(" (stopped)");
        }
        finally
        {
            Volatile.Write(ref _answer, null);
        }

        output.WriteLine();
        output.Flush();
        _history.Add(new ChatMessage(ChatRole.Assistant, text.ToString()));
    }

    private void Reset()
    {
        _history.Clear();
        if (system is not null)
        {
            _history.Add(new ChatMessage(ChatRole.System, system));
        }
    }

    // Ctrl+C during an answer stops it; at the prompt it ends the program as usual.
    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        var answer = Volatile.Read(ref _answer);
        if (answer is not null)
        {
            e.Cancel = true;
            answer.Cancel();
        }
    }
}

// What each compiler pass did, in order; it becomes part of the call's evidence.
namespace Strata.Compiler;

/// <summary>One log line of a pass.</summary>
public sealed record CompileLogEntry(string Pass, string Message);

/// <summary>Append-only log of the passes run and their effects.</summary>
public sealed class CompileLog
{
    private readonly List<CompileLogEntry> _entries = [];

    /// <summary>Entries in the order written.</summary>
    public IReadOnlyList<CompileLogEntry> Entries => _entries;

    /// <summary>Names of the passes that wrote at least one entry, in order.</summary>
    public IReadOnlyList<string> Passes
    {
        get
        {
            var names = new List<string>();
            foreach (var e in _entries)
            {
                if (names.Count == 0 || names[^1] != e.Pass)
                {
                    names.Add(e.Pass);
                }
            }

            return names;
        }
    }

    /// <summary>Records what a pass did.</summary>
    public void Write(string pass, string message) => _entries.Add(new CompileLogEntry(pass, message));
}

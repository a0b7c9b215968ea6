// Log lines a pass writes once per distinct text with how many items share it ("… × 30"), in first-seen order.
namespace Strata.Compiler.Passes;

/// <summary>Collects a pass's per-item lines and writes each distinct one once, with its count.</summary>
internal sealed class CountedLines
{
    private readonly List<(string Line, int Count)> _lines = [];

    /// <summary>Counts one item described by <paramref name="line"/>.</summary>
    public void Add(string line)
    {
        for (int i = 0; i < _lines.Count; i++)
        {
            if (_lines[i].Line == line)
            {
                _lines[i] = (line, _lines[i].Count + 1);
                return;
            }
        }

        _lines.Add((line, 1));
    }

    /// <summary>Writes "line × count" under <paramref name="pass"/> for each distinct line.</summary>
    public void WriteTo(CompileLog log, string pass)
    {
        foreach (var (line, count) in _lines)
        {
            log.Write(pass, $"{line} × {count}");
        }
    }
}

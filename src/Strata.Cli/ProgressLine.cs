// A download's progress as one stderr line rewritten in place, at most once per whole percent.
using Strata.Engine.Store;

namespace Strata.Cli;

/// <summary>Writes "pulling FILE: 12.3 / 45.6 MB (27%)" to stderr as a pull goes.</summary>
internal sealed class ProgressLine : IProgress<PullProgress>
{
    private long _lastPercent = -1;
    private bool _written;

    /// <inheritdoc/>
    public void Report(PullProgress value)
    {
        long percent = value.TotalBytes is > 0 and long total ? value.ReceivedBytes * 100 / total : value.ReceivedBytes >> 20;
        if (percent == _lastPercent)
        {
            return;
        }

        _lastPercent = percent;
        _written = true;
        string of = value.TotalBytes is long t ? $" / {t / 1e6:F1} MB ({percent}%)" : " MB";
        Console.Error.Write($"\rpulling {value.File}: {value.ReceivedBytes / 1e6:F1}{of}");
    }

    /// <summary>Ends the progress line, if one was written.</summary>
    public void Finish()
    {
        if (_written)
        {
            Console.Error.WriteLine();
        }
    }
}

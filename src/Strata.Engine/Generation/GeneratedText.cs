// The text a generation has produced: UTF-8 token pieces decoded as they arrive, stop strings found, and a safe prefix streamed.
namespace Strata.Engine.Generation;

/// <summary>
/// Accumulates the text of generated tokens for one sequence. Bytes of a token that end mid-character wait for the next
/// token; a tail that could still grow into a stop string is held back from <see cref="TakeSafe"/>; when a stop string
/// appears the text is cut before it. Allocates only when the text outgrows its initial estimate.
/// </summary>
public sealed class GeneratedText
{
    private readonly string[] _stops;
    private readonly int _longestStop;
    private Utf8StreamDecoder _utf8;
    private char[] _text;
    private int _length;
    private int _emitted;

    /// <summary>Creates an empty text for about <paramref name="expectedTokens"/> tokens.</summary>
    /// <exception cref="ArgumentException">a stop string is empty</exception>
    public GeneratedText(IReadOnlyList<string>? stopStrings, int expectedTokens)
    {
        _stops = [.. stopStrings ?? []];
        foreach (var s in _stops)
        {
            if (s.Length == 0)
            {
                throw new ArgumentException("a stop string is empty", nameof(stopStrings));
            }

            _longestStop = Math.Max(_longestStop, s.Length);
        }

        _text = new char[(Math.Max(0, expectedTokens) * 8) + 64];
    }

    /// <summary>The text so far (cut before a stop string once one was found).</summary>
    public ReadOnlySpan<char> Text => _text.AsSpan(0, _length);

    /// <summary>Decodes one token's bytes; true when the text now holds a stop string (and was cut before it).</summary>
    public bool Append(ReadOnlySpan<byte> tokenBytes)
    {
        int needed = _length + Utf8StreamDecoder.MaxChars(tokenBytes.Length) + 1;
        if (needed > _text.Length)
        {
            Array.Resize(ref _text, Math.Max(needed, _text.Length * 2));
        }

        _length += _utf8.Decode(tokenBytes, _text.AsSpan(_length));
        if (_stops.Length == 0)
        {
            return false;
        }

        int index = -1;
        var text = _text.AsSpan(0, _length);
        int from = Math.Max(0, _emitted - _longestStop);
        foreach (var stop in _stops)
        {
            int at = text[from..].IndexOf(stop.AsSpan(), StringComparison.Ordinal);
            if (at >= 0 && (index < 0 || from + at < index))
            {
                index = from + at;
            }
        }

        if (index < 0)
        {
            return false;
        }

        _length = Math.Max(index, _emitted);
        return true;
    }

    /// <summary>The new text that can no longer become part of a stop string; marks it streamed.</summary>
    public ReadOnlySpan<char> TakeSafe()
    {
        int safe = _length;
        var text = _text.AsSpan(0, _length);
        foreach (var stop in _stops)
        {
            for (int keep = Math.Min(stop.Length - 1, _length); keep > 0; keep--)
            {
                if (text[^keep..].SequenceEqual(stop.AsSpan(0, keep)))
                {
                    safe = Math.Min(safe, _length - keep);
                    break;
                }
            }
        }

        safe = Math.Max(safe, _emitted);
        var piece = _text.AsSpan(_emitted, safe - _emitted);
        _emitted = safe;
        return piece;
    }

    /// <summary>
    /// Ends the text: unless it ended on a stop string, bytes of an unfinished character are flushed (as U+FFFD); returns
    /// everything not yet streamed.
    /// </summary>
    public ReadOnlySpan<char> Finish(bool stoppedOnString)
    {
        if (!stoppedOnString)
        {
            if (_length + 2 > _text.Length)
            {
                Array.Resize(ref _text, _text.Length * 2);
            }

            _length += _utf8.Flush(_text.AsSpan(_length));
        }

        var rest = _text.AsSpan(_emitted, Math.Max(0, _length - _emitted));
        _emitted = _length;
        return rest;
    }
}

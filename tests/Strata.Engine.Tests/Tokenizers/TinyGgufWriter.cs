// Writes minimal tensor-less GGUF v3 files with chosen tokenizer metadata, for factory and error-path tests.
using System.Text;

namespace Strata.Engine.Tests.Tokenizers;

/// <summary>Builds a GGUF with only metadata (strings, string/float/int arrays, uint32, bool) in a temp file.</summary>
internal sealed class TinyGgufWriter
{
    private readonly List<(string Key, Action<BinaryWriter> Write)> _entries = [];

    public TinyGgufWriter String(string key, string value)
    {
        _entries.Add((key, w => { w.Write(8u); WriteString(w, value); }));
        return this;
    }

    public TinyGgufWriter UInt32(string key, uint value)
    {
        _entries.Add((key, w => { w.Write(4u); w.Write(value); }));
        return this;
    }

    public TinyGgufWriter Bool(string key, bool value)
    {
        _entries.Add((key, w => { w.Write(7u); w.Write(value); }));
        return this;
    }

    public TinyGgufWriter Strings(string key, params string[] values)
    {
        _entries.Add((key, w =>
        {
            w.Write(9u);
            w.Write(8u);
            w.Write((ulong)values.Length);
            foreach (string v in values)
            {
                WriteString(w, v);
            }
        }
        ));
        return this;
    }

    public TinyGgufWriter Floats(string key, params float[] values)
    {
        _entries.Add((key, w =>
        {
            w.Write(9u);
            w.Write(6u);
            w.Write((ulong)values.Length);
            foreach (float v in values)
            {
                w.Write(v);
            }
        }
        ));
        return this;
    }

    public TinyGgufWriter Ints(string key, params int[] values)
    {
        _entries.Add((key, w =>
        {
            w.Write(9u);
            w.Write(5u);
            w.Write((ulong)values.Length);
            foreach (int v in values)
            {
                w.Write(v);
            }
        }
        ));
        return this;
    }

    /// <summary>Writes the file to a new temp path and returns it.</summary>
    public string WriteTemp()
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-tok-{Guid.NewGuid():N}.gguf");
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream, Encoding.UTF8);
        w.Write(0x46554747u);
        w.Write(3u);
        w.Write(0UL);
        w.Write((ulong)_entries.Count);
        foreach ((string key, Action<BinaryWriter> write) in _entries)
        {
            WriteString(w, key);
            write(w);
        }

        return path;
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}

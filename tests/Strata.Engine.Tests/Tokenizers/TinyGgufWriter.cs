// Writes minimal tensor-less GGUF files with chosen tokenizer metadata, for factory and error-path tests.
using Strata.Engine.Artifacts;

namespace Strata.Engine.Tests.Tokenizers;

/// <summary>A fluent front over <see cref="GgufWriter"/> that writes metadata-only GGUF files to temp paths.</summary>
internal sealed class TinyGgufWriter
{
    private readonly GgufWriter _writer = new();

    public TinyGgufWriter String(string key, string value) => Then(_writer.Add(key, value));

    public TinyGgufWriter UInt32(string key, uint value) => Then(_writer.Add(key, value));

    public TinyGgufWriter Bool(string key, bool value) => Then(_writer.Add(key, value));

    public TinyGgufWriter Strings(string key, params string[] values) => Then(_writer.Add(key, values));

    public TinyGgufWriter Floats(string key, params float[] values) => Then(_writer.Add(key, values));

    public TinyGgufWriter Ints(string key, params int[] values) => Then(_writer.Add(key, values));

    /// <summary>Writes the file to a new temp path and returns it.</summary>
    public string WriteTemp()
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-tok-{Guid.NewGuid():N}.gguf");
        _writer.Write(path);
        return path;
    }

    private TinyGgufWriter Then(GgufWriter _) => this;
}

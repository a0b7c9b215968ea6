// Builds tokenizers from the Hugging Face tokenizer.json files in shared/models/tokenizers, the way strata synth --vocab-from does.
using System.Collections.Concurrent;
using Strata.Engine.Artifacts;
using Strata.Engine.Synthesis;
using Strata.Engine.Tokenizers;

namespace Strata.Engine.Tests.Tokenizers;

/// <summary>
/// Converts shared/models/tokenizers/NAME/tokenizer.json with <see cref="HfTokenizerVocabulary"/> into a temporary GGUF,
/// builds its tokenizer with <see cref="TokenizerFactory.FromGguf"/>, and keeps it for the rest of the test run (a
/// 128k–262k vocabulary takes a second or two to convert). Also locates the vector files copied into data/.
/// </summary>
internal static class HfTokenizerFixtures
{
    private static readonly ConcurrentDictionary<string, Lazy<GgufTokenizer>> Built = new(StringComparer.Ordinal);

    /// <summary>shared/models/tokenizers/NAME/tokenizer.json.</summary>
    public static string TokenizerJson(string name) => Path.Combine(TestPaths.Models, "tokenizers", name, "tokenizer.json");

    /// <summary>The tokenizer converted from shared/models/tokenizers/NAME/tokenizer.json (built once).</summary>
    public static GgufTokenizer Tokenizer(string name) =>
        Built.GetOrAdd(name, n => new Lazy<GgufTokenizer>(() => Build(TokenizerJson(n)))).Value;

    /// <summary>
    /// Writes the GGUF tokenizer metadata of <paramref name="tokenizerJson"/> to a temp file and builds its tokenizer;
    /// with <paramref name="preTokenizer"/>, tokenizer.ggml.pre is rewritten to that value first.
    /// </summary>
    public static GgufTokenizer Build(string tokenizerJson, string? preTokenizer = null)
    {
        var writer = new GgufWriter();
        HfTokenizerVocabulary.Add(writer, tokenizerJson);
        string path = Path.Combine(Path.GetTempPath(), $"strata-hf-vocab-{Guid.NewGuid():N}.gguf");
        try
        {
            writer.Write(path);
            using GgufFile file = GgufFile.Open(path);
            return preTokenizer is null ? TokenizerFactory.FromGguf(file) : BuildWithPre(file, preTokenizer);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static GgufTokenizer BuildWithPre(GgufFile source, string preTokenizer)
    {
        var writer = new GgufWriter();
        foreach ((string key, GgufValue value) in source.Metadata)
        {
            if (key == "tokenizer.ggml.pre")
            {
                writer.Add(key, preTokenizer);
            }
            else
            {
                writer.Add(key, value);
            }
        }

        string path = Path.Combine(Path.GetTempPath(), $"strata-hf-vocab-{Guid.NewGuid():N}.gguf");
        try
        {
            writer.Write(path);
            using GgufFile file = GgufFile.Open(path);
            return TokenizerFactory.FromGguf(file);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Prefix (without .inp/.out) of ggml-vocab-NAME.gguf vectors: shared/models/vocab if there, else data/ beside this file.</summary>
    public static string VectorPrefix(string name)
    {
        string shared = VocabTestVectors.GgufPath(name);
        return File.Exists(shared + ".inp") ? shared : Path.Combine(DataFolder(), $"ggml-vocab-{name}.gguf");
    }

    // tests/Strata.Engine.Tests/Tokenizers/data, found above the test binaries (the csproj does not copy it).
    private static string DataFolder()
    {
        string relative = Path.Combine("tests", "Strata.Engine.Tests", "Tokenizers", "data");
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"no '{relative}' above {AppContext.BaseDirectory}");
    }
}

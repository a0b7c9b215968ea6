// Reads llama.cpp's ggml-vocab-*.gguf.inp/.out test vectors exactly as tests/test-tokenizer-0.cpp splits them.
using System.Text;

namespace Strata.Engine.Tests.Tokenizers;

/// <summary>Test strings and expected ids of one vocabulary.</summary>
internal static class VocabTestVectors
{
    private const string Separator = "\n__ggml_vocab_test__\n";

    /// <summary>The ten vocabularies with vectors.</summary>
    public static readonly string[] Names =
        ["llama-spm", "phi-3", "bert-bge", "gpt-2", "deepseek-coder", "deepseek-llm", "falcon", "mpt", "refact", "starcoder"];

    /// <summary>Path of ggml-vocab-NAME.gguf.</summary>
    public static string GgufPath(string name) => Path.Combine(TestPaths.Vocab, $"ggml-vocab-{name}.gguf");

    /// <summary>Loads (text, expected ids) pairs of ggml-vocab-NAME.gguf in shared/models/vocab, in file order.</summary>
    public static List<(string Text, int[] Ids)> Load(string name) => LoadFiles(GgufPath(name));

    /// <summary>Loads (text, expected ids) pairs from <paramref name="prefix"/>.inp and .out, in file order.</summary>
    public static List<(string Text, int[] Ids)> LoadFiles(string prefix)
    {
        string name = Path.GetFileName(prefix);
        string raw = Encoding.UTF8.GetString(File.ReadAllBytes(prefix + ".inp"));
        var inputs = new List<string>();
        int pos = 0;
        while (pos < raw.Length)
        {
            int next = raw.IndexOf(Separator, pos, StringComparison.Ordinal);
            if (next < 0)
            {
                inputs.Add(raw[pos..]);
                break;
            }

            inputs.Add(raw[pos..next]);
            pos = next + Separator.Length;
        }

        string[] lines = File.ReadAllLines(prefix + ".out");
        if (lines.Length != inputs.Count)
        {
            throw new InvalidDataException($"{name}: expected as many .out lines as .inp strings ({inputs.Count}), found {lines.Length}");
        }

        var cases = new List<(string, int[])>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            string[] parts = lines[i].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ids = new int[parts.Length];
            for (int k = 0; k < parts.Length; k++)
            {
                ids[k] = int.Parse(parts[k], System.Globalization.CultureInfo.InvariantCulture);
            }

            cases.Add((inputs[i], ids));
        }

        return cases;
    }
}

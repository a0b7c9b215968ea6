// Reads golden/all-MiniLM-L6-v2.ort.json (ONNX Runtime 1.31.1 + Microsoft.ML.Tokenizers 2.0.1; see its header).
using System.Text.Json;

namespace Strata.Engine.Tests.Embeddings;

/// <summary>One golden sentence: its ids, the first values of two token vectors, and its normalised embedding.</summary>
internal sealed record MiniLmGoldenCase(string Text, long[] InputIds, float[] Token0First8, float[] Token1First8, float[] Embedding);

/// <summary>The shared MiniLM model, its vocabulary and golden cases.</summary>
internal static class MiniLmGolden
{
    public static string ModelPath => SharedModels.File("onnx/all-MiniLM-L6-v2/model.onnx");

    public static string VocabularyPath => SharedModels.File("onnx/all-MiniLM-L6-v2/vocab.txt");

    public static IReadOnlyList<MiniLmGoldenCase> Cases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(SharedModels.File("golden/all-MiniLM-L6-v2.ort.json")));
        var cases = new List<MiniLmGoldenCase>();
        foreach (JsonElement item in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            cases.Add(new MiniLmGoldenCase(
                item.GetProperty("text").GetString()!,
                [.. item.GetProperty("input_ids").EnumerateArray().Select(x => x.GetInt64())],
                Floats(item.GetProperty("last_hidden_state_token0_first8")),
                Floats(item.GetProperty("last_hidden_state_token1_first8")),
                Floats(item.GetProperty("embedding"))));
        }

        return cases;
    }

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(x => x.GetSingle())];
}

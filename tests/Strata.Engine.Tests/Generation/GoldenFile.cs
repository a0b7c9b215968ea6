// Reads the cases of a golden JSON file (llama.cpp, npref or run.c) into plain records.
using System.Text.Json;

namespace Strata.Engine.Tests.Generation;

/// <summary>One golden case.</summary>
internal sealed record GoldenCase(
    string Prompt,
    int[] PromptTokenIds,
    int[] GeneratedTokenIds,
    double[]? FirstStepLogits,
    double[]? FirstLogitsIds0To15,
    (int Id, double Logit)[] Top5)
{
    public override string ToString() => Prompt.Length == 0 ? "<empty>" : Prompt;
}

/// <summary>Loads golden cases from ../shared/models/golden.</summary>
internal static class GoldenFile
{
    public static IReadOnlyList<GoldenCase> Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedModels.File(Path.Combine("golden", name))));
        var cases = new List<GoldenCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            cases.Add(new GoldenCase(
                c.GetProperty("prompt").GetString()!,
                Ints(c, "prompt_token_ids") ?? [],
                Ints(c, "generated_token_ids") ?? [],
                Doubles(c, "first_step_logits"),
                Doubles(c, "first_step_logits_ids_0_15"),
                Top5(c)));
        }

        return cases;
    }

    private static int[]? Ints(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().Select(x => x.GetInt32()).ToArray() : null;

    private static double[]? Doubles(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().Select(x => x.GetDouble()).ToArray() : null;

    private static (int, double)[] Top5(JsonElement e) =>
        e.TryGetProperty("first_step_top5", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(x => (x.GetProperty("id").GetInt32(), x.GetProperty("logit").GetDouble())).ToArray()
            : [];
}

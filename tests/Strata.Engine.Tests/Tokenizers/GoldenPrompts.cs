// Reads the prompt tokenizations stored in the golden llama.cpp JSON files (shared/models/golden).
using System.Text.Json;

namespace Strata.Engine.Tests.Tokenizers;

/// <summary>Reads (prompt, ids with BOS, ids without BOS) from a golden llama.cpp JSON file.</summary>
internal static class GoldenPrompts
{
    public static List<(string Prompt, int[] WithBos, int[] WithoutBos)> Load(string fileName)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Models, "golden", fileName)));
        var result = new List<(string, int[], int[])>();
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string prompt = c.GetProperty("prompt").GetString()!;
            if (prompt.StartsWith("@tok:", StringComparison.Ordinal))
            {
                prompt = prompt["@tok:".Length..];
            }

            result.Add((prompt, Ids(c.GetProperty("prompt_token_ids")), Ids(c.GetProperty("prompt_token_ids_no_bos"))));
        }

        return result;
    }

    private static int[] Ids(JsonElement array)
    {
        var ids = new int[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            ids[i++] = e.GetInt32();
        }

        return ids;
    }
}

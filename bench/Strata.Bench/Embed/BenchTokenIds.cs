// The fixed batch of embed-bench: the rule that regenerates golden/minilm_ort_bench.json's batch_input_ids.
using System.Text.Json;

namespace Strata.Bench.Embed;

/// <summary>
/// Token ids for a batch of sequences of exactly <c>tokens</c> ids: [CLS], then pieces of a 32-piece cycle
/// ("the a about robot to pictures rivers while watch every the model long a who paint of and its and evening stars
/// reads story small learns bright mountains cities friends cheer under" in MiniLM's vocab.txt), row k starting at
/// piece 13·k mod 32, then [SEP]. At 32 × 64 this is exactly the golden's batch_input_ids (checked by
/// <see cref="MatchesGolden"/>); the golden lists the ids but not the rule, which was read off them.
/// </summary>
internal static class BenchTokenIds
{
    private const long Cls = 101;
    private const long Sep = 102;
    private const int RowStride = 13;

    private static readonly long[] Cycle =
    [
        1996, 1037, 2055, 8957, 2000, 4620, 5485, 2096, 3422, 2296, 1996, 2944, 2146, 1037, 2040, 6773,
        1997, 1998, 2049, 1998, 3944, 3340, 9631, 2466, 2235, 10229, 4408, 4020, 3655, 2814, 15138, 2104,
    ];

    /// <summary>(batch, tokens) input ids, row-major.</summary>
    public static long[] Create(int batch, int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, 2);
        var ids = new long[batch * tokens];
        for (int row = 0; row < batch; row++)
        {
            Span<long> line = ids.AsSpan(row * tokens, tokens);
            int start = RowStride * row % Cycle.Length;
            line[0] = Cls;
            for (int t = 1; t < tokens - 1; t++)
            {
                line[t] = Cycle[(start + t - 1) % Cycle.Length];
            }

            line[tokens - 1] = Sep;
        }

        return ids;
    }

    /// <summary>Whether <paramref name="ids"/> equal the golden file's batch_input_ids (false if shapes differ).</summary>
    public static bool MatchesGolden(string goldenPath, long[] ids, int tokens)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(goldenPath));
        int i = 0;
        foreach (JsonElement row in document.RootElement.GetProperty("batch_input_ids").EnumerateArray())
        {
            if (row.GetArrayLength() != tokens)
            {
                return false;
            }

            foreach (JsonElement id in row.EnumerateArray())
            {
                if (i >= ids.Length || id.GetInt64() != ids[i++])
                {
                    return false;
                }
            }
        }

        return i == ids.Length;
    }
}

// The simulator's cost model: per-step times measured on the real engine, the lines fitted to them, saved as JSON.
using System.Text.Json;

namespace Strata.Bench.ClusterSim;

/// <summary>
/// Measured step costs and their linear fits. A simulated batch step of p prefill tokens and d decoding sequences costs
/// max(prefill fixed if p &gt; 0, decode fixed if d &gt; 0, 0) + p · prefill per-token + d · decode per-sequence: one
/// forward pass pays its fixed part (weights read, dispatch) once, then each row its own work. A negative fitted intercept
/// (measurement noise on a step that is nearly all per-unit work) counts as 0.
/// </summary>
/// <param name="Model">the model file measured</param>
/// <param name="Machine">the processor and threads it ran on</param>
/// <param name="Prefill">prefill steps of one sequence: size = prompt tokens in the step</param>
/// <param name="Decode">decode steps: size = sequences in the batch, one token each</param>
/// <param name="PrefillFit">fixed + per token, fitted to <paramref name="Prefill"/></param>
/// <param name="DecodeFit">fixed + per sequence, fitted to <paramref name="Decode"/></param>
internal sealed record CostTable(string Model, string Machine, CostPoint[] Prefill, CostPoint[] Decode, LinearFit PrefillFit, LinearFit DecodeFit)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>A table from measured points, with its fits.</summary>
    public static CostTable FromPoints(string model, string machine, CostPoint[] prefill, CostPoint[] decode) =>
        Checked(new CostTable(model, machine, prefill, decode, LinearFit.Of(prefill), LinearFit.Of(decode)));

    /// <summary>Simulated seconds of one batch step.</summary>
    public double StepSeconds(int prefillTokens, int decodeSequences)
    {
        double fixedMs = Math.Max(prefillTokens > 0 ? PrefillFit.FixedMs : 0, decodeSequences > 0 ? DecodeFit.FixedMs : 0);
        return (fixedMs + (prefillTokens * PrefillFit.PerUnitMs) + (decodeSequences * DecodeFit.PerUnitMs)) / 1000.0;
    }

    /// <summary>One line: the two fits.</summary>
    public string Describe() =>
        $"prefill step = {PrefillFit.FixedMs:F3} ms + {PrefillFit.PerUnitMs * 1000:F2} µs/token; "
        + $"decode step = {DecodeFit.FixedMs:F3} ms + {DecodeFit.PerUnitMs * 1000:F2} µs/sequence";

    /// <summary>Writes the table as JSON.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads a table written by <see cref="Save"/>; the fits are recomputed from the points.</summary>
    public static CostTable Load(string path)
    {
        var table = JsonSerializer.Deserialize<CostTable>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"cost table '{path}' is empty");
        if (table.Prefill is null || table.Decode is null)
        {
            throw new InvalidDataException($"cost table '{path}' lacks its 'Prefill' or 'Decode' points");
        }

        return FromPoints(table.Model, table.Machine, table.Prefill, table.Decode);
    }

    // A cost that falls with size, or a step without cost, would make the simulation meaningless: refuse it.
    private static CostTable Checked(CostTable table)
    {
        if (table.PrefillFit.PerUnitMs <= 0 || table.DecodeFit.PerUnitMs < 0 || table.DecodeFit.At(1) <= 0)
        {
            throw new InvalidDataException($"cost fits are not usable (a step must cost more as it grows): {table.Describe()}");
        }

        return table;
    }
}

// One encoder's figures in embed-bench: the timed runs and the checksum of its output.
namespace Strata.Bench.Embed;

/// <summary>Timings of one encoder: milliseconds of each timed run and the checksum of its last output.</summary>
internal sealed record EncoderTiming(string Name, double[] Milliseconds, double LastHiddenStateSum)
{
    public double MedianMs
    {
        get
        {
            double[] sorted = [.. Milliseconds.Order()];
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }
}

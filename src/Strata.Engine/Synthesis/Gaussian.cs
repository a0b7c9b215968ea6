// Normal samples by the Box–Muller transform over a seeded xoshiro256** stream.
using Strata.Engine.Sampling;

namespace Strata.Engine.Synthesis;

/// <summary>Fills spans with mean + std·N(0, 1).</summary>
internal static class Gaussian
{
    public static void Fill(Xoshiro256Random random, Span<float> values, float mean, float std)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(); // (0, 1]: log is finite
            double u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = mean + (std * (float)(radius * Math.Cos(2 * Math.PI * u2)));
            if (i + 1 < values.Length)
            {
                values[i + 1] = mean + (std * (float)(radius * Math.Sin(2 * Math.PI * u2)));
            }
        }
    }
}

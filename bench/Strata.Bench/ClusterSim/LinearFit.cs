// A straight line fitted by least squares: a fixed cost plus a cost per unit (per token, per sequence).
namespace Strata.Bench.ClusterSim;

/// <summary>cost(n) = FixedMs + PerUnitMs · n, in milliseconds.</summary>
/// <param name="FixedMs">the intercept: what a step costs before its first unit</param>
/// <param name="PerUnitMs">the slope: what each unit adds</param>
internal readonly record struct LinearFit(double FixedMs, double PerUnitMs)
{
    /// <summary>The fitted cost of <paramref name="units"/> units.</summary>
    public double At(int units) => FixedMs + (PerUnitMs * units);

    /// <summary>Ordinary least squares over <paramref name="points"/> (size, milliseconds); needs two distinct sizes.</summary>
    public static LinearFit Of(IReadOnlyList<CostPoint> points)
    {
        double n = points.Count;
        double sumX = 0, sumY = 0, sumXx = 0, sumXy = 0;
        foreach (var p in points)
        {
            sumX += p.Size;
            sumY += p.Milliseconds;
            sumXx += (double)p.Size * p.Size;
            sumXy += p.Size * p.Milliseconds;
        }

        double denominator = (n * sumXx) - (sumX * sumX);
        if (points.Count < 2 || denominator <= 0)
        {
            throw new ArgumentException($"a line needs at least two distinct sizes; got {points.Count} point(s)", nameof(points));
        }

        double slope = ((n * sumXy) - (sumX * sumY)) / denominator;
        return new LinearFit((sumY - (slope * sumX)) / n, slope);
    }
}

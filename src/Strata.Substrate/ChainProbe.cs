// ChainProbe: times a multiply-accumulate kernel that a higher layer builds (the int8 VNNI chains) with the probes' harness.
namespace Strata.Substrate;

/// <summary>
/// Measures the rate of a compute-bound kernel the substrate cannot build itself: a native function of one argument, an
/// iteration count, that runs independent multiply-accumulate chains for that many steps and reads no memory. Kernels
/// assembles such chains for instruction sets .NET does not expose (AVX-512 VNNI) and hands them here, so the roof of
/// those products is timed exactly as <see cref="ComputeProbe"/> times the f32 one: dedicated threads released together,
/// the best of several passes.
/// </summary>
public static unsafe class ChainProbe
{
    /// <summary>
    /// Runs <paramref name="chains"/>(<paramref name="iterations"/>) on <paramref name="threads"/> dedicated threads at
    /// once, <paramref name="repetitions"/> times, and converts the best pass to GMAC/s (1e9 multiply-accumulates per second).
    /// </summary>
    /// <param name="chains">The kernel: a native function taking the iteration count.</param>
    /// <param name="macsPerIteration">Multiply-accumulates one call retires per iteration; above zero.</param>
    /// <param name="threads">Threads that run the kernel together; one or more.</param>
    /// <param name="iterations">The argument of each call; one or more.</param>
    /// <param name="repetitions">Timed passes; the fastest counts. One or more.</param>
    /// <returns>iterations · macsPerIteration · threads / best seconds / 1e9.</returns>
    /// <exception cref="ArgumentNullException">The kernel pointer is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is below its minimum.</exception>
    public static double Gmacs(delegate* unmanaged<long, void> chains, double macsPerIteration, int threads, long iterations,
        int repetitions = ComputeProbe.DefaultRepetitions)
    {
        if (chains == null)
        {
            throw new ArgumentNullException(nameof(chains), "ChainProbe needs a kernel to time; got a null function pointer.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(macsPerIteration);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);

        // A lambda cannot capture a function pointer; the address travels as an integer.
        nint kernel = (nint)chains;
        double seconds = TimedThreads.BestSeconds(threads, repetitions, "chain-probe", _ => ((delegate* unmanaged<long, void>)kernel)(iterations));
        return iterations * macsPerIteration * threads / seconds / 1e9;
    }
}

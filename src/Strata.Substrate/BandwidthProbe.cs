// BandwidthProbe: measures memory read bandwidth by summing a large aligned buffer from dedicated threads.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Strata.Substrate;

/// <summary>
/// Measures how fast this machine streams memory into the cores, the bound on token generation speed.
/// One native, 64-byte aligned buffer is allocated and touched once; each repetition sums it with wide vectors and
/// several independent accumulators, so the loop waits on memory rather than on additions. Nothing is allocated
/// per repetition.
/// </summary>
public static class BandwidthProbe
{
    /// <summary>Default buffer size: 256 MiB, well beyond any last-level cache.</summary>
    public const long DefaultBufferBytes = 256L << 20;

    /// <summary>Default number of repetitions; the best one is reported.</summary>
    public const int DefaultRepetitions = 5;

    private const int AlignmentBytes = 64;

    /// <summary>
    /// Measures read bandwidth with one thread and with <paramref name="threads"/> threads.
    /// </summary>
    /// <param name="threads">Threads for the multi-threaded measurement; one or more.</param>
    /// <param name="bufferBytes">Buffer size in bytes; at least 4096.</param>
    /// <param name="repetitions">Repetitions per measurement; the fastest counts. One or more.</param>
    /// <returns>Single- and multi-threaded bandwidth in GB/s.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When an argument is below its minimum.</exception>
    /// <exception cref="OutOfMemoryException">When the buffer cannot be allocated.</exception>
    public static unsafe BandwidthResult Measure(int threads, long bufferBytes = DefaultBufferBytes, int repetitions = DefaultRepetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 4096);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);

        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)bufferBytes, AlignmentBytes);
        try
        {
            // Touch every page so the measurement sees resident memory, not page faults.
            NativeMemory.Fill(buffer, (nuint)bufferBytes, 1);
            double singleSeconds = BestSeconds(buffer, bufferBytes, 1, repetitions);
            double multiSeconds = BestSeconds(buffer, bufferBytes, threads, repetitions);
            return new BandwidthResult(
                bufferBytes / singleSeconds / 1e9,
                bufferBytes / multiSeconds / 1e9,
                threads,
                bufferBytes);
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>
    /// Runs <paramref name="repetitions"/> timed passes of <paramref name="threadCount"/> dedicated threads over the buffer,
    /// each thread reading one contiguous slice, and returns the shortest wall time from first start to last finish.
    /// </summary>
    private static unsafe double BestSeconds(byte* buffer, long bufferBytes, int threadCount, int repetitions)
    {
        var sinks = new ulong[threadCount];

        // Slices are whole 64-byte lines so every vector load stays aligned.
        long linesPerThread = bufferBytes / AlignmentBytes / threadCount;
        nint address = (nint)buffer;
        double seconds = TimedThreads.BestSeconds(threadCount, repetitions, "bandwidth", index =>
        {
            long offset = index * linesPerThread * AlignmentBytes;
            long length = index == threadCount - 1 ? bufferBytes - offset : linesPerThread * AlignmentBytes;
            sinks[index] += Sum((byte*)address + offset, length);
        });
        GC.KeepAlive(sinks);
        return seconds;
    }

    /// <summary>
    /// Sums the buffer as 64-bit integers with four independent accumulators of the widest accelerated vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static unsafe ulong Sum(byte* data, long lengthBytes)
    {
        ulong* p = (ulong*)data;
        long count = lengthBytes / sizeof(ulong);
        long i = 0;
        ulong total = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<ulong> a0 = default, a1 = default, a2 = default, a3 = default;
            int width = Vector512<ulong>.Count;
            for (; i + (4 * width) <= count; i += 4 * width)
            {
                a0 += Vector512.Load(p + i);
                a1 += Vector512.Load(p + i + width);
                a2 += Vector512.Load(p + i + (2 * width));
                a3 += Vector512.Load(p + i + (3 * width));
            }

            total = Vector512.Sum(a0 + a1 + a2 + a3);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> a0 = default, a1 = default, a2 = default, a3 = default;
            int width = Vector256<ulong>.Count;
            for (; i + (4 * width) <= count; i += 4 * width)
            {
                a0 += Vector256.Load(p + i);
                a1 += Vector256.Load(p + i + width);
                a2 += Vector256.Load(p + i + (2 * width));
                a3 += Vector256.Load(p + i + (3 * width));
            }

            total = Vector256.Sum(a0 + a1 + a2 + a3);
        }

        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (; i + 4 <= count; i += 4)
        {
            s0 += p[i];
            s1 += p[i + 1];
            s2 += p[i + 2];
            s3 += p[i + 3];
        }

        for (; i < count; i++)
        {
            s0 += p[i];
        }

        for (long b = count * sizeof(ulong); b < lengthBytes; b++)
        {
            s1 += data[b];
        }

        return total + s0 + s1 + s2 + s3;
    }
}

// BandwidthResult: measured memory read bandwidth, single- and multi-threaded.
using System.Text.Json.Serialization;

namespace Strata.Substrate;

/// <summary>
/// Memory read bandwidth in GB/s (1e9 bytes per second), best of several repetitions.
/// </summary>
/// <param name="SingleThreadGBps">Bandwidth one thread reaches reading the whole buffer.</param>
/// <param name="MultiThreadGBps">Bandwidth <paramref name="Threads"/> threads reach together, each reading its own slice.</param>
/// <param name="Threads">Threads used for <paramref name="MultiThreadGBps"/>.</param>
/// <param name="BufferBytes">Size of the buffer read per repetition.</param>
public sealed record BandwidthResult(
    [property: JsonPropertyName("single_thread_gbps")] double SingleThreadGBps,
    [property: JsonPropertyName("multi_thread_gbps")] double MultiThreadGBps,
    int Threads,
    long BufferBytes);

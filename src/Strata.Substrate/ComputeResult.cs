// ComputeResult: measured peak f32 multiply-accumulate rate, single- and multi-threaded.
using System.Text.Json.Serialization;

namespace Strata.Substrate;

/// <summary>
/// Peak f32 fused multiply-add rate in GMAC/s (1e9 multiply-accumulates per second), best of several repetitions.
/// </summary>
/// <param name="SingleThreadGmacs">Rate one thread reaches.</param>
/// <param name="MultiThreadGmacs">Rate <paramref name="Threads"/> threads reach together.</param>
/// <param name="Threads">Threads used for <paramref name="MultiThreadGmacs"/>.</param>
/// <param name="VectorBits">Width of the vectors measured: 512, 256, or 32 (scalar).</param>
public sealed record ComputeResult(
    [property: JsonPropertyName("single_thread_gmacs")] double SingleThreadGmacs,
    [property: JsonPropertyName("multi_thread_gmacs")] double MultiThreadGmacs,
    int Threads,
    int VectorBits);

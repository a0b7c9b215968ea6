// Options of the kernels benchmark.
namespace Strata.Bench;

/// <summary>Settings of <see cref="KernelBench"/>.</summary>
internal sealed class KernelBenchOptions
{
    public int Threads { get; set; } = Environment.ProcessorCount;

    public int Rows { get; set; } = 4096;

    public int Cols { get; set; } = 4096;

    public int Reps { get; set; } = 15;

    /// <summary>Activation rows of the prefill timing (the n = 32 column).</summary>
    public int PrefillN { get; set; } = 32;

    public string? Types { get; set; }

    /// <summary>"exact" (MatMul only) or "fast" (also MatMulInt8 with activation quantization).</summary>
    public string Numerics { get; set; } = "exact";

    /// <summary>Run the products with batch invariance (the server's default).</summary>
    public bool BatchInvariant { get; set; }
}

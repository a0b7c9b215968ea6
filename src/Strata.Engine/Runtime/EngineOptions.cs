// How a model is loaded for inference: threads, context and batch capacity, KV block size.
namespace Strata.Engine.Runtime;

/// <summary>Load-time options, validated once.</summary>
/// <param name="Threads">worker threads for kernels (≥ 1)</param>
/// <param name="ContextTokens">positions per sequence; 0 = the model's trained context, capped at <see cref="DefaultContextCap"/></param>
/// <param name="BatchTokens">most prompt tokens one forward pass takes (prefill chunk)</param>
/// <param name="BlockTokens">positions per KV block</param>
/// <param name="Sequences">sequences the KV pool holds at once</param>
/// <param name="Mode">
/// matmul numerics against quantized weights: 8-bit quantized activations and integer dots like llama.cpp
/// (<see cref="Kernels.NumericMode.QuantizedActivations"/>, the default), or exact f32 activations
/// (<see cref="Kernels.NumericMode.Exact"/>, which matches exact-math references); float weights compute the same in both,
/// but for a lone F16 decode row in the fast numerics, which meets its activations rounded to halves as llama.cpp's does
/// </param>
/// <param name="KvBlocks">KV blocks in the pool; 0 = enough for <paramref name="Sequences"/> full contexts</param>
/// <param name="BatchInvariant">
/// a row's results do not depend on the batch it runs in, for every weight type and both numerics: each product takes
/// one arithmetic whatever the number of rows (8-bit activations: the type's integer tile, a lone row through a one-row
/// kernel with exactly a tile row's arithmetic, types without a tile their row dot; exact: 4-row tiles of dequantized
/// weights), so greedy output is the same alone or batched. It costs single-sequence decode speed in exact numerics
/// </param>
/// <param name="KvType">
/// element type of the KV cache: F32, or F16 (half the memory and attention traffic; keys and values rounded to nearest
/// even when stored, as llama.cpp's default f16 cache does)
/// </param>
/// <param name="Load">
/// how the weights reach memory: <see cref="Substrate.FileLoad.Copy"/> (default) reads the file once into private memory,
/// so truncating, copying over or overwriting it later changes nothing the model computes; <see cref="Substrate.FileLoad.Map"/>
/// maps it in place (pages shared with the page cache and loaded as touched, but a truncated file faults the process and an
/// overwritten one changes the output)
/// </param>
public sealed record EngineOptions(int Threads = 2, int ContextTokens = 0, int BatchTokens = 64, int BlockTokens = 16, int Sequences = 1,
    Kernels.NumericMode Mode = Kernels.NumericMode.QuantizedActivations, int KvBlocks = 0, bool BatchInvariant = false,
    Kernels.GgmlType KvType = Kernels.GgmlType.F32, Substrate.FileLoad Load = Substrate.FileLoad.Copy)
{
    /// <summary>
    /// Default of <see cref="Vnni"/>: on, unless the environment sets STRATA_VNNI=0 (for A/B runs). Read once, here at the
    /// engine's boundary; the kernels never read it, the compiler is told (CompileOptions.Vnni) and the hash records it.
    /// </summary>
    public static bool DefaultVnni { get; } = Environment.GetEnvironmentVariable("STRATA_VNNI") != "0";

    /// <summary>
    /// Pack the Q8_0 matrices of 8-bit-activation products into AVX-512 VNNI panels where the CPU runs those kernels
    /// (<see cref="Kernels.KernelIsa.VnniSupported"/>); off, they take the integer tiles (batch-invariant) or the raw
    /// kernels. A different arithmetic, so a different executable hash.
    /// </summary>
    public bool Vnni { get; init; } = DefaultVnni;

    /// <summary>Default cap on the context when the model trained on a longer one.</summary>
    public const int DefaultContextCap = 4096;

    /// <summary>Throws ArgumentException naming the field when an option is out of range.</summary>
    public void Validate()
    {
        Check(Threads is >= 1 and <= 1024, "threads", "1 to 1024", Threads);
        Check(ContextTokens >= 0, "context", "0 (model default) or more", ContextTokens);
        Check(BatchTokens is >= 1 and <= 8192, "batch", "1 to 8192", BatchTokens);
        Check(BlockTokens is >= 1 and <= 1024, "block tokens", "1 to 1024", BlockTokens);
        Check(Sequences is >= 1 and <= 4096, "sequences", "1 to 4096", Sequences);
        Check(KvBlocks >= 0, "kv blocks", "0 (derived) or more", KvBlocks);
        if (KvType is not (Kernels.GgmlType.F32 or Kernels.GgmlType.F16))
        {
            throw new ArgumentException($"option 'kv type' is {KvType}, expected F32 or F16", "kv type");
        }
    }

    private static void Check(bool ok, string field, string expected, int found)
    {
        if (!ok)
        {
            throw new ArgumentException($"option '{field}' is {found}, expected {expected}", field);
        }
    }
}

// Options fixed at compile time: batch capacity, the identity of the weights the executable binds to, and every switch
// that changes the arithmetic (ISA, numerics, batch invariance, VNNI packing), so each arithmetic has its own hash.
namespace Strata.Compiler.Lowering;

/// <summary>Compile-time options; every one enters the executable's content hash.</summary>
/// <param name="MaxBatchTokens">most token rows one run of the executable processes</param>
/// <param name="MaxOutputRows">most rows that produce logits in one run</param>
/// <param name="WeightsIdentity">content identity of the weights (e.g. the model file's sha256)</param>
/// <param name="KernelIsa">instruction set the kernels dispatch to (enters the hash)</param>
/// <param name="Mode">exact f32 activations, or activations quantized for integer matmuls</param>
/// <param name="BatchInvariant">
/// every product takes one arithmetic whatever its row count, so a row's result does not depend on the rows beside it
/// </param>
/// <param name="Vnni">
/// Q8_0 matrices of 8-bit-activation products are packed into AVX-512 VNNI panels and run by the VNNI kernels; the caller
/// sets it only where the CPU runs them (<see cref="Kernels.KernelIsa.VnniSupported"/>)
/// </param>
/// <param name="ContextTokens">
/// positions one sequence may hold (0 = not given: the model's own); picks Phi-3's long or short RoPE factors as llama.cpp does
/// </param>
public sealed record CompileOptions(int MaxBatchTokens, int MaxOutputRows, string WeightsIdentity, string KernelIsa,
    Kernels.NumericMode Mode = Kernels.NumericMode.Exact, bool BatchInvariant = false, bool Vnni = false, int ContextTokens = 0);

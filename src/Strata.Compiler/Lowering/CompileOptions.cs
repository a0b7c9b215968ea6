// Options fixed at compile time: batch capacity and the identity of the weights the executable binds to.
namespace Strata.Compiler.Lowering;

/// <summary>Compile-time options.</summary>
/// <param name="MaxBatchTokens">most token rows one run of the executable processes</param>
/// <param name="MaxOutputRows">most rows that produce logits in one run</param>
/// <param name="WeightsIdentity">content identity of the weights (e.g. the model file's sha256)</param>
/// <param name="KernelIsa">instruction set the kernels dispatch to (enters the hash)</param>
/// <param name="Mode">exact f32 activations, or activations quantized for integer matmuls</param>
public sealed record CompileOptions(int MaxBatchTokens, int MaxOutputRows, string WeightsIdentity, string KernelIsa,
    Kernels.NumericMode Mode = Kernels.NumericMode.Exact);

// How matmuls against quantized weights treat activations; recorded in evidence and part of the executable hash.
namespace Strata.Kernels;

/// <summary>Numerical mode of the matmul kernels (append-only, explicit values).</summary>
public enum NumericMode
{
    /// <summary>Weights dequantized in registers, f32 activations, f32 accumulation: matches exact-math references.</summary>
    Exact = 0,

    /// <summary>
    /// Activations quantized per row to 8-bit blocks (Q8_0 for 32-element weight types, Q8_K for K-quants) and dotted with
    /// integer SIMD, as llama.cpp's CPU backend does: faster, logits within ~0.25 of exact on the CI models.
    /// </summary>
    QuantizedActivations = 1,
}

// Tensor element types, numbered exactly as ggml numbers them in GGUF files (append-only, explicit values).
namespace Strata.Kernels;

/// <summary>A tensor element or quantized block type, with ggml's numeric ids.</summary>
public enum GgmlType : uint
{
    /// <summary>32-bit IEEE float.</summary>
    F32 = 0,
    /// <summary>16-bit IEEE half.</summary>
    F16 = 1,
    /// <summary>32 weights: f16 scale + 16 bytes of 4-bit values (offset 8).</summary>
    Q4_0 = 2,
    /// <summary>32 weights: f16 scale, f16 min + 16 bytes of 4-bit values.</summary>
    Q4_1 = 3,
    /// <summary>32 weights: f16 scale, 4 bytes of high bits, 16 bytes of low nibbles (offset 16).</summary>
    Q5_0 = 6,
    /// <summary>32 weights: f16 scale, f16 min, 4 bytes of high bits, 16 bytes of low nibbles.</summary>
    Q5_1 = 7,
    /// <summary>32 weights: f16 scale + 32 signed bytes.</summary>
    Q8_0 = 8,
    /// <summary>32 weights: f16 scale, f16 sum + 32 signed bytes.</summary>
    Q8_1 = 9,
    /// <summary>K-quant, 256 weights, 2 bits.</summary>
    Q2_K = 10,
    /// <summary>K-quant, 256 weights, 3 bits.</summary>
    Q3_K = 11,
    /// <summary>K-quant, 256 weights, 4 bits with 6-bit sub-block scales and mins.</summary>
    Q4_K = 12,
    /// <summary>K-quant, 256 weights, 5 bits with 6-bit sub-block scales and mins.</summary>
    Q5_K = 13,
    /// <summary>K-quant, 256 weights, 6 bits with 8-bit sub-block scales.</summary>
    Q6_K = 14,
    /// <summary>K-quant, 256 weights, f32 scale, 8-bit values and 16 block sums.</summary>
    Q8_K = 15,
    /// <summary>8-bit signed integer.</summary>
    I8 = 24,
    /// <summary>16-bit signed integer.</summary>
    I16 = 25,
    /// <summary>32-bit signed integer.</summary>
    I32 = 26,
    /// <summary>64-bit signed integer.</summary>
    I64 = 27,
    /// <summary>64-bit IEEE float.</summary>
    F64 = 28,
    /// <summary>bfloat16.</summary>
    BF16 = 30,
}

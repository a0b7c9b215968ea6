// The matrix-product kernels MatMul.Run and MatMulInt8.Run dispatch among, named for the compiler's kernel plan and evidence.
namespace Strata.Kernels;

/// <summary>Which kernel a matrix product of a given row count runs (<see cref="MatMulPlan"/>).</summary>
public enum MatMulKernel
{
    /// <summary>Exact, one row: each weight row dequantized in registers and dotted (<see cref="DequantDispatch.Dot"/>).</summary>
    DequantRowDot,

    /// <summary>Exact, one row on AVX-512: the type's prepared row dot (with the Σx table of types with a minimum).</summary>
    DequantMatVec512,

    /// <summary>Exact F16, one row on AVX-512: the half rebias folded into a prepared copy of the row.</summary>
    F16MatVec512,

    /// <summary>Exact: 4-row tiles of weights dequantized a column chunk at a time (the batch-invariant arithmetic).</summary>
    DequantTile4,

    /// <summary>Exact, long prefill on AVX-512: outer-product tiles of 32 weight rows (<see cref="FloatOuterTile512"/>).</summary>
    FloatOuterTile,

    /// <summary>8-bit activations: the type's integer row dot, row by row.</summary>
    IntRowDot,

    /// <summary>8-bit activations, one row: Q8_0's prepared matrix-vector kernel (<see cref="Q8MatVec512"/>).</summary>
    Q8MatVec512,

    /// <summary>8-bit activations, one row: Q4_0's prepared matrix-vector kernel (<see cref="Q4MatVec512"/>).</summary>
    Q4MatVec512,

    /// <summary>8-bit activations, one row: Q5_0's prepared matrix-vector kernel (<see cref="Q5MatVec512"/>).</summary>
    Q5MatVec512,

    /// <summary>8-bit activations, one row: Q4_K's prepared matrix-vector kernel (<see cref="Q4KMatVec512"/>).</summary>
    Q4KMatVec512,

    /// <summary>8-bit activations: Q8_0's integer tile (<see cref="Q8Tile512"/>), over packed or shuffled-per-call weights.</summary>
    Q8Tile,

    /// <summary>8-bit activations, 4+ rows: Q4_0/Q5_0's integer tile (<see cref="Q4Tile512"/>).</summary>
    Q4Tile,

    /// <summary>8-bit activations, 4+ rows: the 4 × 4 legacy-quant integer tile (<see cref="IntTile512"/>).</summary>
    IntTile4x4,

    /// <summary>8-bit activations, 4+ rows: the 4 × 4 K-quant integer tile (<see cref="IntKTile512"/>).</summary>
    IntKTile4x4,

    /// <summary>8-bit activations, Q8_0 packed into VNNI panels: the assembled micro-kernels (<see cref="Q8Vnni"/>).</summary>
    VnniPanels,

    /// <summary>
    /// Fast numerics, F16, one row on AVX-512: the activation row rounded to halves, both widened by vcvtph2ps
    /// (<see cref="F16HalfMatVec"/>, llama.cpp's arithmetic for F16 weights).
    /// </summary>
    F16HalfActivations,
}

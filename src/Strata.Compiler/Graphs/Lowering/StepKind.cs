// The kernel families of a graph executable's steps (persisted in cached executables: append only, explicit values).
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>What a step runs. Each kind has one kernel routine in the engine's graph runner.</summary>
public enum StepKind
{
    /// <summary>strata.Dense: x · wᵀ + bias, then the activation (f32 outer-product tiles for many rows).</summary>
    Dense = 1,
    /// <summary>strata.LayerNorm or ONNX LayerNormalization over the last axis.</summary>
    LayerNorm = 2,
    /// <summary>strata.Gelu (erf form).</summary>
    Gelu = 3,
    /// <summary>strata.Attention over whole padded sequences with an additive key bias.</summary>
    Attention = 4,
    /// <summary>Element-wise binary arithmetic with broadcasting: Add, Sub, Mul, Div, Pow.</summary>
    Binary = 5,
    /// <summary>Element-wise unary maths: Sqrt, Erf, Tanh, Relu, Sigmoid, Neg, Exp, Log, Abs, Reciprocal.</summary>
    Unary = 6,
    /// <summary>Element type conversion.</summary>
    Cast = 7,
    /// <summary>Same bytes, another shape: Reshape, Squeeze, Unsqueeze, Flatten, Identity (shares its input's slot).</summary>
    View = 8,
    /// <summary>Axis permutation.</summary>
    Transpose = 9,
    /// <summary>Gather along an axis by int64/int32 indices.</summary>
    Gather = 10,
    /// <summary>Softmax over the last axis.</summary>
    Softmax = 11,
    /// <summary>Mean over the last axis.</summary>
    ReduceMean = 12,
    /// <summary>Batched matrix product of two activations (numpy broadcasting over the batch dims).</summary>
    MatMul = 13,
    /// <summary>Slice with constant starts, ends, axes and unit steps.</summary>
    Slice = 14,
    /// <summary>Concatenation along an axis.</summary>
    Concat = 15,
    /// <summary>Where(condition, x, y) with broadcasting.</summary>
    Where = 16,
    /// <summary>Equal with broadcasting (bool output).</summary>
    Equal = 17,
    /// <summary>Broadcast to a shape.</summary>
    Expand = 18,
    /// <summary>A node run by the foreign runtime's partition (the step runs the whole partition).</summary>
    Foreign = 19,
}

// The binary element-wise operators the graph runner computes, resolved from a step's operator name once per runner.
namespace Strata.Engine.Graphs;

/// <summary>A <c>StepKind.Binary</c> step's operator (ONNX Add, Sub, Mul, Div, Pow).</summary>
internal enum ElementOp
{
    /// <summary>a + b.</summary>
    Add = 1,

    /// <summary>a − b.</summary>
    Sub = 2,

    /// <summary>a · b.</summary>
    Mul = 3,

    /// <summary>a / b (int64: a zero divisor throws).</summary>
    Div = 4,

    /// <summary>a to the power b (a · a when b is 2).</summary>
    Pow = 5,
}

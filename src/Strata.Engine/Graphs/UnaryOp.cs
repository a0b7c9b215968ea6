// The unary element-wise operators the graph runner computes, resolved from a step's operator name once per runner.
namespace Strata.Engine.Graphs;

/// <summary>A <c>StepKind.Unary</c> step's operator (the ONNX operator of the same name).</summary>
internal enum UnaryOp
{
    /// <summary>√x.</summary>
    Sqrt = 1,

    /// <summary>erf(x) by Abramowitz and Stegun 7.1.26.</summary>
    Erf = 2,

    /// <summary>tanh(x).</summary>
    Tanh = 3,

    /// <summary>max(x, 0).</summary>
    Relu = 4,

    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid = 5,

    /// <summary>−x.</summary>
    Neg = 6,

    /// <summary>e^x.</summary>
    Exp = 7,

    /// <summary>ln x.</summary>
    Log = 8,

    /// <summary>|x|.</summary>
    Abs = 9,

    /// <summary>1 / x.</summary>
    Reciprocal = 10,
}

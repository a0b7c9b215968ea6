// How many nodes of a graph run one operator: a line of an ONNX model's summary.
namespace Strata.Compiler.Onnx;

/// <summary>Nodes of one operator.</summary>
/// <param name="Op">operator, domain-qualified outside the default domain (e.g. "com.microsoft.Attention")</param>
/// <param name="Count">nodes of the main graph that run it</param>
public sealed record OnnxOpCount(string Op, int Count);

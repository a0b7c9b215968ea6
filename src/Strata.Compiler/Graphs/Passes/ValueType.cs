// The inferred type of one node output: element type and shape (null shape: rank unknown).
namespace Strata.Compiler.Graphs.Passes;

/// <summary>An output's element type and shape.</summary>
internal readonly record struct ValueType(DType Type, TensorShape? Shape);

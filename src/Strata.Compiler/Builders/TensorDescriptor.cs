// What the compiler needs to know of a weight tensor: name, type and ggml-order dimensions (no data).
using Strata.Kernels;

namespace Strata.Compiler.Builders;

/// <summary>A weight tensor's identity and shape; Dimensions[0] is the contiguous row length.</summary>
public sealed record TensorDescriptor(string Name, GgmlType Type, long[] Dimensions);

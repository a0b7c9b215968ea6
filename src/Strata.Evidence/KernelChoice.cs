// One op's kernel choice: which implementation ran and how it computes.
namespace Strata.Evidence;

/// <summary>The kernel chosen for one op.</summary>
/// <param name="Op">op and operand type, e.g. "matmul.q4_0"</param>
/// <param name="Kernel">implementation, e.g. "avx512"</param>
/// <param name="NumericalMode">how it computes, e.g. "f32-accumulate, weights dequantized in registers"</param>
public sealed record KernelChoice(string Op, string Kernel, string NumericalMode);

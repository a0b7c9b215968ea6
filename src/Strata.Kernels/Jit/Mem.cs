// A memory operand of the assembler: base, optional scaled index, 32-bit displacement.
namespace Strata.Kernels.Jit;

/// <summary>A memory operand [base + index·scale + disp]; index null for none. Always encoded with a 32-bit displacement.</summary>
internal readonly record struct Mem(Gpr Base, int Disp = 0, Gpr? Index = null, int Scale = 1);

// Where a value lives in the executable's arena: a byte offset and the capacity planned for the largest run.
namespace Strata.Compiler.Graphs.Lowering;

/// <summary>An arena slot.</summary>
/// <param name="Offset">first byte, 64-byte aligned</param>
/// <param name="CapacityBytes">bytes the value may take within the capacity bounds</param>
public readonly record struct ValueSlot(long Offset, long CapacityBytes);

// One kernel call of an executable: op, arena offsets of its operands, widths, weight slot and parameters.
using Strata.Compiler.Ir;

namespace Strata.Compiler.Lowering;

/// <summary>A flat kernel call. Offsets are in floats into the arena; -1 when unused.</summary>
/// <param name="Op">operation</param>
/// <param name="Input0">first operand offset</param>
/// <param name="Input1">second operand offset</param>
/// <param name="Output">result offset</param>
/// <param name="InputWidth">floats per row of Input0</param>
/// <param name="OutputWidth">floats per row of Output</param>
/// <param name="WeightIndex">index into <see cref="Executable.Weights"/>, or -1</param>
/// <param name="Attributes">op parameters</param>
/// <param name="Rows">row space the op iterates over (tokens or output rows)</param>
public readonly record struct ExecutableStep(
    OpKind Op,
    long Input0,
    long Input1,
    long Output,
    int InputWidth,
    int OutputWidth,
    int WeightIndex,
    NodeAttributes Attributes,
    RowSpace Rows);

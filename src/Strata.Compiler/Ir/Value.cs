// A value in the IR: a [rows, width] f32 activation, whose rows are the batch's tokens or its output rows.
namespace Strata.Compiler.Ir;

/// <summary>How many rows a value has at run time.</summary>
public enum RowSpace
{
    /// <summary>One row per token in the batch.</summary>
    Tokens = 0,
    /// <summary>One row per output (logits) row of the batch.</summary>
    Outputs = 1,
    /// <summary>No storage (a side-effect marker, e.g. the result of KvStore).</summary>
    None = 2,
}

/// <summary>An immutable IR value.</summary>
/// <param name="Id">unique within the graph</param>
/// <param name="Name">readable name, e.g. "blk3.q"</param>
/// <param name="Width">f32 elements per row</param>
/// <param name="Rows">which row space sizes it</param>
public sealed record Value(int Id, string Name, int Width, RowSpace Rows)
{
    /// <inheritdoc/>
    public override string ToString() => $"%{Id}:{Name}[{Rows},{Width}]";
}

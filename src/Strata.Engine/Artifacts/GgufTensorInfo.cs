// Where one tensor lives in a GGUF file: name, shape, element type and absolute byte range.
using Strata.Kernels;

namespace Strata.Engine.Artifacts;

/// <summary>A validated tensor descriptor.</summary>
/// <param name="Name">tensor name, e.g. "blk.0.attn_q.weight"</param>
/// <param name="Dimensions">ggml order: Dimensions[0] is the contiguous (row) length</param>
/// <param name="Type">element or block type</param>
/// <param name="OffsetBytes">absolute offset of the first byte in the file</param>
/// <param name="SizeBytes">bytes the tensor occupies</param>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long OffsetBytes, long SizeBytes)
{
    /// <summary>Total number of elements.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long d in Dimensions)
            {
                count *= d;
            }

            return count;
        }
    }

    /// <summary>Rows when viewed as a matrix of Dimensions[0]-long rows.</summary>
    public long RowCount => Dimensions.Length == 0 || Dimensions[0] == 0 ? 0 : ElementCount / Dimensions[0];

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Type} [{string.Join(", ", Dimensions)}] @ {OffsetBytes}";
}

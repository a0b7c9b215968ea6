// Numpy broadcasting for the graph runner: the element strides of an input seen through an output's shape. Spans in and
// out, so a kernel keeps its strides on the stack (StackRank axes) and a run allocates nothing.
namespace Strata.Engine.Graphs;

/// <summary>Index arithmetic of broadcast operands.</summary>
internal static class Broadcast
{
    /// <summary>
    /// Ranks up to this take their stride arrays from the stack (<c>stackalloc long[rank]</c>); a higher rank, which no
    /// model we run has, falls back to a heap array.
    /// </summary>
    public const int StackRank = 8;

    /// <summary>
    /// Writes into <paramref name="strides"/> (one per axis of <paramref name="output"/>) the element strides of
    /// <paramref name="input"/>: 0 where the input is broadcast (missing or size 1), its row-major stride elsewhere.
    /// </summary>
    public static void Strides(ReadOnlySpan<long> input, ReadOnlySpan<long> output, Span<long> strides)
    {
        strides[..output.Length].Clear();
        long stride = 1;
        for (int i = 1; i <= output.Length; i++)
        {
            int axis = input.Length - i;
            if (axis < 0)
            {
                break;
            }

            strides[output.Length - i] = input[axis] == 1 && output[output.Length - i] != 1 ? 0 : stride;
            stride *= input[axis];
        }
    }

    /// <summary>Writes into <paramref name="strides"/> the row-major element strides of a dense tensor of <paramref name="shape"/>.</summary>
    public static void RowMajor(ReadOnlySpan<long> shape, Span<long> strides)
    {
        long stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }
    }

    /// <summary>The element offset of flat output index <paramref name="index"/> in an input with <paramref name="strides"/>.</summary>
    public static long Offset(long index, ReadOnlySpan<long> output, ReadOnlySpan<long> strides)
    {
        long offset = 0;
        for (int axis = output.Length - 1; axis >= 0; axis--)
        {
            long size = output[axis];
            long i = index % size;
            index /= size;
            offset += i * strides[axis];
        }

        return offset;
    }

    /// <summary>Product of the sizes.</summary>
    public static long Count(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        return count;
    }

    /// <summary>True when <paramref name="input"/> repeats whole over the output's trailing elements (a bias row).</summary>
    public static bool IsTrailing(ReadOnlySpan<long> input, ReadOnlySpan<long> output, out long period)
    {
        period = Count(input);
        long trailing = 1;
        for (int i = output.Length - 1; i >= 0 && trailing < period; i--)
        {
            trailing *= output[i];
        }

        if (trailing != period)
        {
            return false;
        }

        // The input's non-1 dims must line up with the output's last dims.
        int oi = output.Length - 1;
        for (int ii = input.Length - 1; ii >= 0; ii--, oi--)
        {
            if (input[ii] != 1 && (oi < 0 || input[ii] != output[oi]))
            {
                return false;
            }
        }

        return true;
    }
}

// Numpy broadcasting for the graph runner: the element strides of an input seen through an output's shape.
namespace Strata.Engine.Graphs;

/// <summary>Index arithmetic of broadcast operands.</summary>
internal static class Broadcast
{
    /// <summary>
    /// Strides (in elements) of <paramref name="input"/> for each axis of <paramref name="output"/>: 0 where the input is
    /// broadcast (missing or size 1), its row-major stride elsewhere.
    /// </summary>
    public static long[] Strides(long[] input, long[] output)
    {
        var strides = new long[output.Length];
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

        return strides;
    }

    /// <summary>The element offset of flat output index <paramref name="index"/> in an input with <paramref name="strides"/>.</summary>
    public static long Offset(long index, long[] output, long[] strides)
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

    /// <summary>True when an operand of <paramref name="input"/> is not broadcast at all into <paramref name="output"/> (same element count).</summary>
    public static bool Same(long[] input, long[] output) => Count(input) == Count(output);

    /// <summary>Product of the sizes.</summary>
    public static long Count(long[] shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        return count;
    }

    /// <summary>True when <paramref name="input"/> repeats whole over the output's trailing elements (a bias row).</summary>
    public static bool IsTrailing(long[] input, long[] output, out long period)
    {
        period = 1;
        foreach (long d in input)
        {
            period *= d;
        }

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

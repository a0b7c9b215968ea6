// Python's slice.indices: clamps start/stop for a length and a step, so s[a:b:c] selects exactly what Python selects.
namespace Strata.Engine.Templates;

/// <summary>The resolved bounds of a Python slice over a sequence of <c>length</c> items.</summary>
internal readonly record struct SliceIndexes(long Start, long Stop, long Step)
{
    /// <summary>Resolves <c>[start:stop:step]</c> (nulls are omitted bounds) as <c>slice.indices(length)</c> does.</summary>
    /// <exception cref="ArgumentException">step is 0</exception>
    public static SliceIndexes Resolve(long? start, long? stop, long? step, long length)
    {
        long s = step ?? 1;
        if (s == 0)
        {
            throw new ArgumentException("slice step cannot be zero");
        }

        long lower = s < 0 ? -1 : 0;
        long upper = s < 0 ? length - 1 : length;
        long first = start is { } a ? Clamp(a, length, lower, upper) : s < 0 ? upper : lower;
        long last = stop is { } b ? Clamp(b, length, lower, upper) : s < 0 ? lower : upper;
        return new SliceIndexes(first, last, s);
    }

    private static long Clamp(long index, long length, long lower, long upper)
    {
        if (index < 0)
        {
            index += length;
            return index < lower ? lower : index;
        }

        return index > upper ? upper : index;
    }

    /// <summary>The indexes the slice selects, in order.</summary>
    public static IEnumerable<long> Enumerate(long start, long stop, long step)
    {
        if (step > 0)
        {
            for (long i = start; i < stop; i += step)
            {
                yield return i;
            }
        }
        else
        {
            for (long i = start; i > stop; i += step)
            {
                yield return i;
            }
        }
    }

    /// <summary>The indexes this slice selects.</summary>
    public IEnumerable<long> Indexes() => Enumerate(Start, Stop, Step);
}

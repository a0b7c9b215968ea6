// The arena both memory planners lay slots out in: first fit over the freed ranges (kept sorted and coalesced), growing
// the arena when none fits.
namespace Strata.Compiler;

/// <summary>A first-fit allocator of offsets in one growing arena (units are the caller's: floats or bytes).</summary>
/// <param name="growsIntoTrailingFree">
/// when no freed range fits, whether a freed range at the arena's end is extended (the graph planner) rather than left
/// behind (the decoder planner); each planner keeps its choice so that its plans, and the hashes over them, stay the same
/// </param>
internal sealed class FirstFitArena(bool growsIntoTrailingFree)
{
    private readonly List<(long Offset, long Size)> _free = [];

    /// <summary>The arena's size so far: the end of the highest range ever allocated.</summary>
    public long Size { get; private set; }

    /// <summary>The offset of a new range of <paramref name="size"/>: the first freed range that holds it, else the arena's end.</summary>
    public long Allocate(long size)
    {
        for (int k = 0; k < _free.Count; k++)
        {
            var (offset, free) = _free[k];
            if (free >= size)
            {
                if (free == size)
                {
                    _free.RemoveAt(k);
                }
                else
                {
                    _free[k] = (offset + size, free - size);
                }

                return offset;
            }
        }

        if (growsIntoTrailingFree && _free.Count > 0 && _free[^1].Offset + _free[^1].Size == Size)
        {
            long start = _free[^1].Offset;
            _free.RemoveAt(_free.Count - 1);
            Size = start + size;
            return start;
        }

        long at = Size;
        Size += size;
        return at;
    }

    /// <summary>Frees the range at <paramref name="offset"/>, merging it with the freed ranges it touches.</summary>
    public void Release(long offset, long size)
    {
        _free.Add((offset, size));
        _free.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        for (int k = _free.Count - 1; k > 0; k--)
        {
            if (_free[k - 1].Offset + _free[k - 1].Size == _free[k].Offset)
            {
                _free[k - 1] = (_free[k - 1].Offset, _free[k - 1].Size + _free[k].Size);
                _free.RemoveAt(k);
            }
        }
    }
}

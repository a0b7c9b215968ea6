// One replica's approximate prefix set for the router: block hashes it was sent, bounded, least recently used out first.
namespace Strata.Cluster.Routing;

/// <summary>
/// A set of 64-bit keys with a fixed capacity and LRU eviction: a dictionary from key to slot, and the slots in a doubly
/// linked recency list kept in arrays (grown by doubling up to the capacity, so an idle replica costs little; no
/// allocation once grown). Not thread-safe (see <see cref="IRoutingPolicy"/>).
/// </summary>
internal sealed class PrefixTable
{
    private const int None = -1;
    private const int InitialSlots = 256;

    private readonly Dictionary<ulong, int> _slots = [];
    private ulong[] _keys;   // (slots) the key held by each slot
    private int[] _newer;    // (slots) the next more recently used slot, None at the newest
    private int[] _older;    // (slots) the next less recently used slot, None at the oldest
    private int _newest = None;
    private int _oldest = None;

    /// <summary>An empty table holding at most <paramref name="capacity"/> keys.</summary>
    public PrefixTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        int slots = Math.Min(capacity, InitialSlots);
        _keys = new ulong[slots];
        _newer = new int[slots];
        _older = new int[slots];
    }

    /// <summary>Most keys held.</summary>
    public int Capacity { get; }

    /// <summary>Keys held.</summary>
    public int Count => _slots.Count;

    /// <summary>Whether <paramref name="key"/> is held (its recency is unchanged).</summary>
    public bool Contains(ulong key) => _slots.ContainsKey(key);

    /// <summary>Makes <paramref name="key"/> the most recently used, adding it (and evicting the least recently used key when full).</summary>
    public void Touch(ulong key)
    {
        if (_slots.TryGetValue(key, out int slot))
        {
            Unlink(slot);
        }
        else
        {
            slot = _slots.Count < Capacity ? NewSlot() : EvictOldest();
            _keys[slot] = key;
            _slots.Add(key, slot);
        }

        _older[slot] = _newest;
        _newer[slot] = None;
        if (_newest != None)
        {
            _newer[_newest] = slot;
        }

        _newest = slot;
        if (_oldest == None)
        {
            _oldest = slot;
        }
    }

    private int NewSlot()
    {
        int slot = _slots.Count;
        if (slot == _keys.Length)
        {
            int grown = Math.Min(Capacity, _keys.Length * 2);
            Array.Resize(ref _keys, grown);
            Array.Resize(ref _newer, grown);
            Array.Resize(ref _older, grown);
        }

        return slot;
    }

    private int EvictOldest()
    {
        int slot = _oldest;
        Unlink(slot);
        _slots.Remove(_keys[slot]);
        return slot;
    }

    private void Unlink(int slot)
    {
        int newer = _newer[slot];
        int older = _older[slot];
        if (newer != None)
        {
            _older[newer] = older;
        }
        else
        {
            _newest = older;
        }

        if (older != None)
        {
            _newer[older] = newer;
        }
        else
        {
            _oldest = newer;
        }
    }
}

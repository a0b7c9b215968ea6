// The server's served models, which a cluster node may change while it runs: loaded and unloaded by placement.
namespace Strata.Serving;

/// <summary>
/// The schedulers by name. Readers take a snapshot (an array that is never changed), so a request or a metrics scrape
/// never sees a half-changed set; writers replace the snapshot under a lock.
/// </summary>
internal sealed class ModelSet
{
    private readonly Lock _gate = new();
    private volatile Scheduler[] _all = [];

    /// <summary>The schedulers now.</summary>
    public IReadOnlyList<Scheduler> All => _all;

    public Scheduler? Find(string name)
    {
        foreach (var s in _all)
        {
            if (s.Name == name)
            {
                return s;
            }
        }

        return null;
    }

    /// <exception cref="ArgumentException">a model of that name is served already</exception>
    public void Add(Scheduler scheduler)
    {
        lock (_gate)
        {
            if (Find(scheduler.Name) is not null)
            {
                throw new ArgumentException($"two models are named '{scheduler.Name}'");
            }

            _all = [.. _all, scheduler];
        }
    }

    /// <summary>Takes the model out of the set (new requests no longer find it); null when it is not served.</summary>
    public Scheduler? Remove(string name)
    {
        lock (_gate)
        {
            var s = Find(name);
            if (s is not null)
            {
                _all = Array.FindAll(_all, x => x != s);
            }

            return s;
        }
    }
}

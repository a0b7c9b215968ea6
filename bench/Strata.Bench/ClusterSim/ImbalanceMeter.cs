// Load imbalance over simulated time: the spread (max − min) of per-replica counts, its maximum and time-weighted mean.
namespace Strata.Bench.ClusterSim;

/// <summary>
/// Tracks max − min across replicas of two counts: outstanding requests (running + waiting, the router's
/// <c>ReplicaLoad.Load</c>) and waiting requests (the queue proper). Sampled after every event; the mean weights each
/// value by how long it held.
/// </summary>
internal sealed class ImbalanceMeter
{
    private double _lastSeconds;
    private int _outstandingSpread;
    private int _waitingSpread;
    private double _outstandingArea;
    private double _waitingArea;

    /// <summary>Largest spread of outstanding requests seen.</summary>
    public int MaxOutstandingSpread { get; private set; }

    /// <summary>Largest spread of waiting requests seen.</summary>
    public int MaxWaitingSpread { get; private set; }

    /// <summary>Time-weighted mean spread of outstanding requests up to the last sample.</summary>
    public double MeanOutstandingSpread => _lastSeconds > 0 ? _outstandingArea / _lastSeconds : 0;

    /// <summary>Time-weighted mean spread of waiting requests up to the last sample.</summary>
    public double MeanWaitingSpread => _lastSeconds > 0 ? _waitingArea / _lastSeconds : 0;

    /// <summary>Samples the replicas after an event at <paramref name="now"/>.</summary>
    public void Sample(double now, SimReplica[] replicas)
    {
        double held = now - _lastSeconds;
        _outstandingArea += held * _outstandingSpread;
        _waitingArea += held * _waitingSpread;
        _lastSeconds = now;

        int minOutstanding = int.MaxValue, maxOutstanding = 0, minWaiting = int.MaxValue, maxWaiting = 0;
        foreach (var r in replicas)
        {
            int outstanding = r.Running + r.Waiting;
            minOutstanding = Math.Min(minOutstanding, outstanding);
            maxOutstanding = Math.Max(maxOutstanding, outstanding);
            minWaiting = Math.Min(minWaiting, r.Waiting);
            maxWaiting = Math.Max(maxWaiting, r.Waiting);
        }

        _outstandingSpread = maxOutstanding - minOutstanding;
        _waitingSpread = maxWaiting - minWaiting;
        MaxOutstandingSpread = Math.Max(MaxOutstandingSpread, _outstandingSpread);
        MaxWaitingSpread = Math.Max(MaxWaitingSpread, _waitingSpread);
    }
}

// MemoryBudget: hands out named byte reservations against a fixed limit, thread-safe, with a Try-pattern failure path.
using System.Diagnostics.CodeAnalysis;

namespace Strata.Substrate;

/// <summary>
/// A byte budget that owners (weights, KV cache, scratch buffers) reserve from before allocating.
/// Reserving never throws for lack of room: <see cref="TryReserve"/> returns false instead.
/// </summary>
public sealed class MemoryBudget
{
    private readonly Lock _gate = new();
    private readonly HashSet<MemoryReservation> _live = [];
    private long _usedBytes;

    /// <summary>
    /// Creates a budget of <paramref name="limitBytes"/> bytes.
    /// </summary>
    /// <param name="limitBytes">The most bytes that may be reserved at once; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="limitBytes"/> is negative.</exception>
    public MemoryBudget(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitBytes);
        LimitBytes = limitBytes;
    }

    /// <summary>The most bytes that may be reserved at once.</summary>
    public long LimitBytes { get; }

    /// <summary>Bytes currently reserved.</summary>
    public long UsedBytes
    {
        get
        {
            lock (_gate)
            {
                return _usedBytes;
            }
        }
    }

    /// <summary>Bytes still free to reserve.</summary>
    public long FreeBytes
    {
        get
        {
            lock (_gate)
            {
                return LimitBytes - _usedBytes;
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/> for <paramref name="owner"/> if they fit within the limit.
    /// </summary>
    /// <param name="owner">Who holds the reservation, for reporting (e.g. "weights", "kv-cache").</param>
    /// <param name="bytes">Bytes to reserve; zero or more.</param>
    /// <param name="reservation">The reservation on success; null when the bytes do not fit.</param>
    /// <returns>True when reserved; false when <paramref name="bytes"/> exceeds <see cref="FreeBytes"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="bytes"/> is negative.</exception>
    /// <exception cref="ArgumentException">When <paramref name="owner"/> is empty or white space.</exception>
    public bool TryReserve(string owner, long bytes, [NotNullWhen(true)] out MemoryReservation? reservation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_gate)
        {
            if (bytes > LimitBytes - _usedBytes)
            {
                reservation = null;
                return false;
            }

            _usedBytes += bytes;
            reservation = new MemoryReservation(this, owner, bytes);
            _live.Add(reservation);
            return true;
        }
    }

    /// <summary>
    /// Returns a reservation's bytes to the budget. Releasing twice is harmless.
    /// </summary>
    /// <param name="reservation">A reservation made by this budget.</param>
    /// <returns>True when the bytes were returned now; false when the reservation was already released.</returns>
    /// <exception cref="ArgumentException">When the reservation was made by a different budget.</exception>
    public bool Release(MemoryReservation reservation)
    {
        if (!ReferenceEquals(reservation.Budget, this))
        {
            throw new ArgumentException(
                $"Expected a reservation from this budget; found one for '{reservation.Owner}' from another budget.",
                nameof(reservation));
        }

        lock (_gate)
        {
            if (!_live.Remove(reservation))
            {
                return false;
            }

            _usedBytes -= reservation.Bytes;
            return true;
        }
    }

    /// <summary>
    /// Bytes currently reserved per owner, for reports.
    /// </summary>
    /// <returns>A snapshot mapping owner to total reserved bytes.</returns>
    public IReadOnlyDictionary<string, long> SnapshotByOwner()
    {
        lock (_gate)
        {
            var byOwner = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (MemoryReservation r in _live)
            {
                byOwner[r.Owner] = byOwner.GetValueOrDefault(r.Owner) + r.Bytes;
            }

            return byOwner;
        }
    }
}

// MemoryReservation: one owner's claim on a MemoryBudget; disposing it returns the bytes.
namespace Strata.Substrate;

/// <summary>
/// Bytes held against a <see cref="MemoryBudget"/> by one owner. Dispose (or <see cref="MemoryBudget.Release"/>) returns them;
/// doing so more than once is harmless.
/// </summary>
public sealed class MemoryReservation : IDisposable
{
    internal MemoryReservation(MemoryBudget budget, string owner, long bytes)
    {
        Budget = budget;
        Owner = owner;
        Bytes = bytes;
    }

    /// <summary>Who holds the reservation.</summary>
    public string Owner { get; }

    /// <summary>Bytes reserved.</summary>
    public long Bytes { get; }

    internal MemoryBudget Budget { get; }

    /// <summary>Returns the bytes to the budget if not already returned.</summary>
    public void Dispose() => Budget.Release(this);

    /// <inheritdoc/>
    public override string ToString() => $"{Owner}: {Bytes} bytes";
}

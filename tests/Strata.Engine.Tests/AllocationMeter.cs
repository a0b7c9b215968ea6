// Measures bytes a piece of code allocates on this thread, inside a no-GC region so that a collection triggered by
// another test's thread cannot retire this thread's allocation context mid-measurement (which shifts the counter).
using System.Runtime;

namespace Strata.Engine.Tests;

internal static class AllocationMeter
{
    private const long RegionBytes = 128L << 20;

    /// <summary>Bytes <paramref name="body"/> allocated on the calling thread, from a run during which no GC ran.</summary>
    public static long Measure(Action body)
    {
        for (int attempt = 0; ; attempt++)
        {
            bool region = GC.TryStartNoGCRegion(RegionBytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            body();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            bool held = region && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
            if (held)
            {
                GC.EndNoGCRegion();
            }

            if (held || attempt == 4)
            {
                return allocated;
            }
        }
    }
}

/// <summary>Allocation tests run alone, so other tests' garbage does not end their no-GC regions.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

// The best hit rate any routing could reach on a trace: one unbounded cache that sees every request.
namespace Strata.Bench.ClusterSim;

/// <summary>
/// Replays a trace's prompts, in arrival order, through one prefix cache of unlimited capacity (blocks enter when the
/// request arrives): the hit rate left is what no policy can beat, because the rest are unique suffixes and the first
/// sight of each shared prefix.
/// </summary>
internal static class HitCeiling
{
    public static double Of(SimRequest[] trace)
    {
        var seen = new HashSet<ulong>();
        long hits = 0, blocks = 0;
        foreach (var request in trace)
        {
            int hit = 0;
            while (hit < request.Blocks.Length && seen.Contains(request.Blocks[hit]))
            {
                hit++;
            }

            hits += hit;
            blocks += request.Blocks.Length;
            foreach (ulong block in request.Blocks)
            {
                seen.Add(block);
            }
        }

        return (double)hits / blocks;
    }
}

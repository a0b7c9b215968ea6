// The cluster-sim results as markdown: command, machine, cost model, simulation rules and one table per tenant setting and rate.
using System.Text;

namespace Strata.Bench.ClusterSim;

/// <summary>Formats the simulator's results.</summary>
internal static class ClusterSimReport
{
    private const string Header =
        "| N | policy | hit rate | TTFT p50 ms | TTFT p99 ms | tokens/s | outstanding spread max / mean | waiting spread max / mean | load_bound |";

    /// <summary>One table row.</summary>
    public static string Row(SimResult r) =>
        $"| {r.Replicas} | {r.Label} | {r.HitRate:P1} | {r.TtftP50Ms:F1} | {r.TtftP99Ms:F1} | {r.TokensPerSecond:F0} | "
        + $"{r.Imbalance.MaxOutstandingSpread} / {r.Imbalance.MeanOutstandingSpread:F2} | {r.Imbalance.MaxWaitingSpread} / {r.Imbalance.MeanWaitingSpread:F2} | "
        + (r.Policy == "prefix_affinity" ? $"{r.LoadBoundShare:P1} |" : "– |");

    public static string Markdown(string[] args, ClusterSimOptions options, CostTable costs, List<SimTable> tables, TimeSpan elapsed)
    {
        var cpu = Strata.Substrate.CpuInfo.Detect();
        var md = new StringBuilder();
        md.AppendLine("# Cluster routing: prefix affinity vs round robin vs least loaded, simulated (2026-12-05)").AppendLine();
        md.AppendLine($"Command: `{$"dotnet run --project bench/Strata.Bench -c Release -- cluster-sim {string.Join(' ', args)}".TrimEnd()}`").AppendLine();
        md.AppendLine($"Machine: {cpu.ModelName}, {cpu.LogicalCores} logical cores (shared), .NET {Environment.Version}; "
            + $"the simulation took {elapsed.TotalSeconds:F0} s of wall time.").AppendLine();
        Costs(md, costs);
        Rules(md, options);
        foreach (var table in tables)
        {
            Table(md, table);
        }

        return md.ToString();
    }

    private static void Costs(StringBuilder md, CostTable costs)
    {
        md.AppendLine("## Cost model (measured on the real engine)").AppendLine();
        md.AppendLine($"{costs.Model} on {costs.Machine}: Strata's engine, one forward pass per step on random token ids, the fastest "
            + "of 15 rounds over all sizes after 3 warm-up rounds (on a shared machine, other work only ever adds time). Prefill: one sequence, the whole chunk in "
            + "one pass. Decode: that many sequences, 64 tokens into their context, one token each.").AppendLine();
        Points(md, "prefill tokens", costs.Prefill, costs.PrefillFit);
        Points(md, "decode batch (sequences)", costs.Decode, costs.DecodeFit);
        md.AppendLine($"Fit (least squares): {costs.Describe()}. A simulated step of p prefill tokens and d decoding sequences costs "
            + "max(prefill fixed, decode fixed, 0) + p × per-token + d × per-sequence.").AppendLine();
    }

    private static void Points(StringBuilder md, string what, CostPoint[] points, LinearFit fit)
    {
        md.AppendLine($"| {what} | " + string.Join(" | ", points.Select(p => p.Size)) + " |");
        md.AppendLine("|---|" + string.Concat(points.Select(_ => "---:|")));
        md.AppendLine("| measured ms | " + string.Join(" | ", points.Select(p => p.Milliseconds.ToString("F3"))) + " |");
        md.AppendLine("| fitted ms | " + string.Join(" | ", points.Select(p => fit.At(p.Size).ToString("F3"))) + " |").AppendLine();
    }

    private static void Rules(StringBuilder md, ClusterSimOptions options)
    {
        md.AppendLine("## Simulation").AppendLine();
        md.AppendLine($"- Replicas: continuous batching, at most {options.Replica.MaxRunning} running sequences, FIFO queue, chunked prefill of "
            + $"{options.Replica.ChunkTokens} tokens per step, prefix KV cache of {options.Replica.CacheBlocks} blocks of 16 tokens "
            + $"({options.Replica.CacheBlocks * 16} tokens, LRU) per replica; a prompt pays prefill only for the blocks after its longest "
            + "cached prefix. The cache does not compete with running sequences for memory.");
        md.AppendLine($"- Scale: the trace for N replicas has N × {options.RequestsPerReplica} requests arriving at N × the per-replica rate, and "
            + "its bursts are 2N requests long, so every N is loaded alike. The per-replica rate is the offered load times the capacity of "
            + "one replica that caches nothing (each table says which).");
        md.AppendLine("- Prompt text is simulated at 4 characters per token, so `PrefixKey.Blocks`' 64-character block is one 16-token KV "
            + "block; the router sees the first 64 blocks (1024 tokens), the replica's cache all of them.");
        md.AppendLine($"- Routing: `RoutingPolicies.Create` from src/Strata.Cluster/Routing; prefix_affinity with load bound(s) "
            + $"{string.Join(", ", options.LoadBounds)} and 16384 blocks per replica's approximate table; least_loaded breaks ties by "
            + "rotation. The router sees exact running/waiting counts at each arrival (a real one's view lags).");
        md.AppendLine("- Columns: hit rate = prompt blocks found cached on the chosen replica / prompt blocks (the ceiling under each "
            + "table: one unbounded cache that sees every request); TTFT = arrival → end of the step that finishes the prefill "
            + "(simulated ms); tokens/s = output tokens / (last completion − first arrival); spread = max − min across replicas of "
            + "outstanding (running + waiting) and of waiting requests, the largest and the time-weighted mean; load_bound = share "
            + "of prefix_affinity's decisions the bound overrode.").AppendLine();
    }

    private static void Table(StringBuilder md, SimTable table)
    {
        string tenants = table.TenantSetting == 0 ? "N tenants (one per replica)" : $"{table.TenantSetting} tenants whatever N";
        md.AppendLine($"### {tenants}; {table.RatePerReplica:F2} requests/s per replica").AppendLine();
        md.AppendLine($"Rate: {table.RateRule}. Trace at N = {table.Rows[0].Replicas}: {table.Traces[0].Trace.Describe()}.").AppendLine();
        md.AppendLine(Header);
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in table.Rows)
        {
            md.AppendLine(Row(row));
        }

        md.AppendLine();
        md.AppendLine("Hit-rate ceiling: " + string.Join(", ", table.Traces.Select(t => $"N = {t.Replicas}: {t.HitCeiling:P1}")) + ".").AppendLine();
    }
}

// cluster-sim: measure (or load) the engine's step costs, then replay a trace per replica count and policy, and report.
using System.Diagnostics;
using Strata.Cluster.Routing;

namespace Strata.Bench.ClusterSim;

/// <summary>
/// Runs the routing comparison: for each offered load, tenant setting and replica count N, one trace of N ×
/// requests-per-replica requests at N × the per-replica rate (so each N is loaded alike), replayed once per policy.
/// </summary>
internal static class ClusterSimCommand
{
    public static int Run(string[] args)
    {
        ClusterSimOptions options;
        try
        {
            options = ClusterSimOptions.Parse(args);
            foreach (string policy in options.Policies)
            {
                if (!RoutingPolicies.Names.Contains(policy))
                {
                    throw new ArgumentException($"option --policies names '{policy}'; expected some of {string.Join(",", RoutingPolicies.Names)}");
                }
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        var costs = Costs(options);
        var tables = new List<SimTable>();
        var total = Stopwatch.StartNew();
        foreach (double load in options.LoadsToRun)
        {
            double ratePerReplica = RatePerReplica(options, load, costs, out string rateRule);
            Console.WriteLine($"rate: {ratePerReplica:F2} requests/s per replica ({rateRule})");
            foreach (int tenants in options.Tenants)
            {
                tables.Add(Table(options, costs, new SimTable(tenants, ratePerReplica, rateRule)));
            }
        }

        string report = ClusterSimReport.Markdown(args, options, costs, tables, total.Elapsed);
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.OutPath))!);
        File.WriteAllText(options.OutPath, report);
        Console.WriteLine($"written to {options.OutPath}");
        return 0;
    }

    // One table: for each N, a trace of N × requests-per-replica requests at N × the rate, replayed once per policy.
    private static SimTable Table(ClusterSimOptions options, CostTable costs, SimTable table)
    {
        foreach (int n in options.Replicas)
        {
            var trace = TraceFor(options, n, table.TenantSetting, table.RatePerReplica);
            var watch = Stopwatch.StartNew();
            var requests = TraceGenerator.Generate(trace);
            double ceiling = HitCeiling.Of(requests);
            table.Traces.Add((n, trace, ceiling));
            Console.WriteLine($"N={n}: {trace.Describe()}; hit ceiling {ceiling:P1} (generated in {watch.Elapsed.TotalSeconds:F1} s)");
            foreach (string policy in options.Policies)
            {
                // The bound matters to prefix_affinity only: the others run once.
                foreach (int bound in policy == "prefix_affinity" ? options.LoadBounds : options.LoadBounds[..1])
                {
                    watch.Restart();
                    var routing = new RoutingOptions { LoadBound = bound };
                    var row = ClusterSimulation.Run(requests, n, policy, options.Replica, costs, routing);
                    table.Rows.Add(row);
                    Console.WriteLine($"  {ClusterSimReport.Row(row)}  ({watch.Elapsed.TotalSeconds:F1} s)");
                }
            }
        }

        return table;
    }

    private static CostTable Costs(ClusterSimOptions options)
    {
        CostTable costs;
        if (options.CostsPath is not null)
        {
            costs = CostTable.Load(options.CostsPath);
            Console.WriteLine($"costs from {options.CostsPath} ({costs.Model} on {costs.Machine})");
        }
        else
        {
            var watch = Stopwatch.StartNew();
            costs = CostMeasurement.Measure(options.ModelPath, options.Threads);
            Console.WriteLine($"costs measured on {costs.Model} ({costs.Machine}) in {watch.Elapsed.TotalSeconds:F1} s");
        }

        Console.WriteLine("  prefill tokens → ms: " + string.Join(", ", costs.Prefill.Select(p => $"{p.Size} → {p.Milliseconds:F3}")));
        Console.WriteLine("  decode batch → ms:   " + string.Join(", ", costs.Decode.Select(p => $"{p.Size} → {p.Milliseconds:F3}")));
        Console.WriteLine("  fit: " + costs.Describe());
        if (options.SaveCostsPath is not null)
        {
            costs.Save(options.SaveCostsPath);
            Console.WriteLine($"  saved to {options.SaveCostsPath}");
        }

        return costs;
    }

    // Without --rate: the load times what one replica could serve if nothing were cached: a mean request costs its whole
    // prompt at the prefill per-token cost and its output at a full batch's decode cost per sequence.
    private static double RatePerReplica(ClusterSimOptions options, double load, CostTable costs, out string rule)
    {
        if (options.RatePerReplica > 0)
        {
            rule = "--rate";
            return options.RatePerReplica;
        }

        var shape = new TraceOptions();
        double decodeMs = (costs.DecodeFit.FixedMs / options.Replica.MaxRunning) + costs.DecodeFit.PerUnitMs;
        double requestMs = (shape.MeanPromptTokens * costs.PrefillFit.PerUnitMs) + (shape.MeanOutputTokens * decodeMs);
        rule = $"offered load {load} × 1 / ({shape.MeanPromptTokens:F0} prompt tokens × {costs.PrefillFit.PerUnitMs * 1000:F2} µs + "
            + $"{shape.MeanOutputTokens:F0} output tokens × {decodeMs * 1000:F1} µs at a batch of {options.Replica.MaxRunning}) = no-cache capacity {1000 / requestMs:F1} req/s";
        return load * 1000 / requestMs;
    }

    private static TraceOptions TraceFor(ClusterSimOptions options, int replicas, int tenants, double ratePerReplica) => new()
    {
        Requests = options.RequestsPerReplica * replicas,
        Tenants = tenants == 0 ? replicas : tenants,
        RatePerSecond = ratePerReplica * replicas,
        Seed = options.Seed,
        BurstSize = 2 * replicas,
    };
}

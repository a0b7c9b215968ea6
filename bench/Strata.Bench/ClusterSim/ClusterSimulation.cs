// The discrete-event loop: arrivals are routed by a real routing policy to simulated replicas that step in simulated time.
using Strata.Cluster.Routing;

namespace Strata.Bench.ClusterSim;

/// <summary>
/// Replays a trace against N <see cref="SimReplica"/>s. Events are arrivals (routed at once with
/// <see cref="IRoutingPolicy.Choose"/>, which sees each replica's exact running and waiting counts; a real router's view
/// lags) and step ends (the replica finishes its step and starts the next if it has work). A step end at the same time
/// as an arrival goes first.
/// </summary>
internal static class ClusterSimulation
{
    public static SimResult Run(SimRequest[] trace, int replicaCount, string policyName, ReplicaConfig config, CostTable costs, RoutingOptions routing)
    {
        var policy = RoutingPolicies.Create(policyName, routing);
        var metrics = new SimMetrics();
        var replicas = new SimReplica[replicaCount];
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int r = 0; r < replicaCount; r++)
        {
            replicas[r] = new SimReplica($"replica-{r:D3}", config, costs, metrics);
            byId.Add(replicas[r].Id, r);
        }

        var steps = new PriorityQueue<int, double>();
        var imbalance = new ImbalanceMeter();
        var loads = new ReplicaLoad[replicaCount];
        int loadBound = 0;
        int next = 0;
        while (next < trace.Length || steps.Count > 0)
        {
            double arrival = next < trace.Length ? trace[next].ArrivalSeconds : double.PositiveInfinity;
            if (steps.TryPeek(out int stepping, out double stepEnd) && stepEnd <= arrival)
            {
                steps.Dequeue();
                replicas[stepping].FinishStep(stepEnd);
                Start(replicas[stepping], stepping, stepEnd, steps);
                imbalance.Sample(stepEnd, replicas);
                continue;
            }

            var request = trace[next++];
            for (int r = 0; r < replicaCount; r++)
            {
                loads[r] = new ReplicaLoad(replicas[r].Id, replicas[r].Running, replicas[r].Waiting);
            }

            var decision = policy.Choose(new RouteQuery(request.Tenant, request.RouterPrefix), loads);
            loadBound += decision.Reason == "load_bound" ? 1 : 0;
            int chosen = byId[decision.ReplicaId];
            replicas[chosen].Enqueue(request);
            if (!replicas[chosen].Busy)
            {
                Start(replicas[chosen], chosen, arrival, steps);
            }

            imbalance.Sample(arrival, replicas);
        }

        if (metrics.CompletedRequests != trace.Length)
        {
            throw new InvalidOperationException($"simulation ended with {metrics.CompletedRequests} of {trace.Length} requests completed");
        }

        var ttft = metrics.TtftSeconds.ToArray();
        Array.Sort(ttft);
        double span = metrics.LastCompletionSeconds - trace[0].ArrivalSeconds;
        return new SimResult(replicaCount, policyName, (double)metrics.HitBlocks / metrics.PromptBlocks, Percentile(ttft, 0.50) * 1000,
            Percentile(ttft, 0.99) * 1000, metrics.OutputTokens / span, imbalance, routing.LoadBound, (double)loadBound / trace.Length);
    }

    private static void Start(SimReplica replica, int index, double now, PriorityQueue<int, double> steps)
    {
        if (replica.TryStartStep(now, out double end))
        {
            steps.Enqueue(index, end);
        }
    }

    // Nearest-rank percentile of sorted values.
    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

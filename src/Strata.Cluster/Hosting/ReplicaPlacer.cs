// Every report interval, this node asks placement which models it should hold, and loads or unloads to match.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// Holds this node's replicas to the placement grain's assignment: a model assigned here is loaded (in the background,
/// one at a time), a model no longer assigned stops taking requests and is unloaded once its sequences finish (up to the
/// server's drain). Models outside the catalog are never touched.
/// </summary>
internal sealed class ReplicaPlacer(IGrainFactory grains, NodeReporter node, ClusterConfig config, Catalog catalog,
    ILogger<ReplicaPlacer> log) : BackgroundService
{
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal); // loading or unloading
    private Task _work = Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(config.ReportIntervalMs));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (node.Endpoints is not { } endpoints || node.Url is null || !_work.IsCompleted)
            {
                continue;
            }

            var held = new List<string>();
            int load = 0;
            foreach (var m in endpoints.Models())
            {
                held.Add(m.Name);
                load += m.Running + m.Waiting;
            }

            IReadOnlyList<string> assigned;
            try
            {
                assigned = await grains.GetGrain<IPlacementGrain>(0).Assign(new NodeCapacity
                {
                    NodeId = node.NodeId,
                    BudgetMib = config.MemoryBudgetMib,
                    Held = held,
                    Catalog = catalog.Models,
                    Load = load,
                }).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                log.NotDelivered("placement", e.Message);
                continue;
            }

            _work = Apply(endpoints, held, assigned, stoppingToken);
        }
    }

    private async Task Apply(ServerEndpoints endpoints, List<string> held, IReadOnlyList<string> assigned, CancellationToken stopping)
    {
        foreach (var model in catalog.Models)
        {
            bool want = assigned.Contains(model.Name), has = held.Contains(model.Name);
            if (want == has)
            {
                continue;
            }

            try
            {
                if (want)
                {
                    log.Placing(model.Name, "loading");
                    await endpoints.LoadModelAsync(catalog.Config(model.Name), stopping).ConfigureAwait(false);
                }
                else
                {
                    log.Placing(model.Name, "unloading");
                    await endpoints.UnloadModelAsync(model.Name, endpoints.Drain).ConfigureAwait(false);
                }

                await node.ReportOnce().ConfigureAwait(false); // routers learn at once
            }
            catch (Exception e) when (e is ArgumentException or IOException or Engine.Artifacts.ModelFormatException)
            {
                log.PlacementFailed(model.Name, e.Message);
            }
        }
    }
}

/// <summary>The models this node may be asked to hold: the config's and the command line's, with their replica counts.</summary>
public sealed class Catalog
{
    private readonly Dictionary<string, ModelConfig> _configs = new(StringComparer.Ordinal);

    /// <summary>The catalog of <paramref name="models"/> (sizes from their files).</summary>
    public Catalog(IEnumerable<ModelConfig> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var list = new List<CatalogModel>();
        foreach (var m in models)
        {
            if (_configs.TryAdd(m.Name, m))
            {
                long bytes = File.Exists(m.Path) ? new FileInfo(m.Path).Length : 0;
                list.Add(new CatalogModel { Name = m.Name, Replicas = m.Replicas, SizeMib = (int)Math.Max(1, (bytes + (1 << 20) - 1) >> 20) });
            }
        }

        Models = list;
    }

    /// <summary>The models, as placement sees them.</summary>
    public IReadOnlyList<CatalogModel> Models { get; }

    /// <summary>True when the model is in the catalog.</summary>
    public bool Contains(string name) => _configs.ContainsKey(name);

    /// <summary>The model's config (name and file).</summary>
    public ModelConfig Config(string name) => _configs[name];
}

// Every report interval, this node tells the directory and each of its models' routers where it listens and how loaded it is.
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>
/// Reports this node's replicas until the host stops, then says it leaves. Starts reporting once the server's
/// endpoints are mapped (<see cref="Attach"/>) and Kestrel knows its addresses.
/// </summary>
internal sealed class NodeReporter(IGrainFactory grains, ILocalSiloDetails silo, IServer server, ClusterConfig config, ILogger<NodeReporter> log)
    : BackgroundService
{
    private ServerEndpoints? _endpoints;
    private string? _url;
    private volatile IReadOnlyCollection<string> _live = [];
    private volatile IReadOnlyList<NodeReport> _nodes = [];

    /// <summary>This node's id: its silo address.</summary>
    public string NodeId => silo.SiloAddress.ToParsableString();

    /// <summary>This node's HTTP base address, as the others reach it (null until Kestrel listens).</summary>
    public string? Url => _url ??= AdvertisedUrl();

    /// <summary>The node ids the directory listed as live at the last report.</summary>
    public IReadOnlyCollection<string> LiveNodeIds => _live;

    /// <summary>The live nodes and their replicas as the directory listed them at the last report (a router's fallback).</summary>
    public IReadOnlyList<NodeReport> LastNodes => _nodes;

    /// <summary>The server's endpoints, once mapped.</summary>
    public ServerEndpoints? Endpoints => _endpoints;

    public void Attach(ServerEndpoints endpoints) => _endpoints = endpoints;

    /// <summary>The report this node sends now (null before it listens).</summary>
    public NodeReport? Snapshot()
    {
        if (_endpoints is null || Url is not { } url)
        {
            return null;
        }

        var replicas = new List<ReplicaReport>();
        foreach (var m in _endpoints.Models())
        {
            replicas.Add(new ReplicaReport
            {
                Model = m.Name,
                FileSha256 = m.FileSha256,
                Running = m.Running,
                Waiting = m.Waiting,
                MaxRunning = m.MaxRunning,
                UsedBlocks = m.UsedBlocks,
                TotalBlocks = m.TotalBlocks,
                LookupBlocks = m.LookupBlocks,
                HitBlocks = m.HitBlocks,
            });
        }

        return new NodeReport { NodeId = NodeId, SiloName = silo.Name, Url = url, Replicas = replicas, At = DateTime.UtcNow };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(config.ReportIntervalMs));
        do
        {
            await ReportOnce().ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Sends one report now (also used at start, so a node is routable as soon as it listens).</summary>
    public async Task ReportOnce()
    {
        if (Snapshot() is not { } report)
        {
            return;
        }

        try
        {
            var routers = new List<Task>(report.Replicas.Count + 1) { grains.GetGrain<INodeDirectoryGrain>(0).Report(report) };
            foreach (var r in report.Replicas)
            {
                routers.Add(grains.GetGrain<IModelRouterGrain>(r.Model).Report(report.NodeId, report.Url, r));
            }

            await Task.WhenAll(routers).ConfigureAwait(false);
            var nodes = await grains.GetGrain<INodeDirectoryGrain>(0).Nodes().ConfigureAwait(false);
            var live = new HashSet<string>(StringComparer.Ordinal);
            foreach (var n in nodes)
            {
                live.Add(n.NodeId);
            }

            _live = live;
            _nodes = nodes;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            log.NotDelivered("report", e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<INodeDirectoryGrain>(0).Leave(NodeId).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException or OperationCanceledException)
        {
            log.NotDelivered("leave", e.Message);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private string? AdvertisedUrl()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null)
        {
            return null;
        }

        foreach (var a in addresses)
        {
            if (Uri.TryCreate(a, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.Port > 0)
            {
                return new UriBuilder(uri) { Host = config.AdvertiseHost, Path = "" }.Uri.ToString().TrimEnd('/');
            }
        }

        return null;
    }
}

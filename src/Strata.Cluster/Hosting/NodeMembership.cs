// The cluster's membership as the layers above see it: this node's id, who is gone, and a signal when that changes.
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary><see cref="INodeMembership"/> over Orleans' membership: raises <see cref="Changed"/> for every new snapshot.</summary>
internal sealed class NodeMembership(IClusterMembershipService membership, ILocalSiloDetails silo) : BackgroundService, INodeMembership
{
    public string NodeId => silo.SiloAddress.ToParsableString();

    public event EventHandler? Changed;

    public bool IsGone(string nodeId) => membership.IsGone(nodeId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var _ in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                Changed?.Invoke(this, EventArgs.Empty);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

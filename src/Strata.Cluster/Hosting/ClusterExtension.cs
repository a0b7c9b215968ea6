// Makes a `strata serve` process a cluster node: an Orleans silo co-hosted in the server's ASP.NET Core host.
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Strata.Serving;

namespace Strata.Cluster;

/// <summary>The <see cref="ServerExtension"/> that joins a server to its cluster.</summary>
public static class ClusterExtension
{
    /// <summary>
    /// The silo (membership on PostgreSQL or localhost development clustering, failure detection as configured), the
    /// cluster's tenant limits, this node's reports, the routing middleware and the cluster endpoints; composed after
    /// <paramref name="inner"/> (the agent runtime's extension, say).
    /// </summary>
    /// <exception cref="ArgumentException">the cluster config is invalid</exception>
    /// <param name="config">the node's cluster settings</param>
    /// <param name="catalog">the models placement may ask this node to hold (the config's and the command line's)</param>
    /// <param name="inner">an extension to compose first</param>
    public static ServerExtension Create(ClusterConfig config, IReadOnlyList<ModelConfig> catalog, ServerExtension? inner = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (!config.Enabled)
        {
            throw new ArgumentException("a cluster node needs a cluster id (--cluster-id)");
        }

        var membership = MembershipSpec.Parse(config.Membership);
        return new ServerExtension
        {
            Services = services =>
            {
                inner?.Services?.Invoke(services);
                services.AddSingleton(config);
                if (membership is PostgresMembership postgres)
                {
                    // Before the silo's own hosted service: the membership tables must exist when it joins.
                    services.AddHostedService(_ => new SchemaService(postgres.ConnectionString));
                    services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PostgresEvidenceArchive>(sp, postgres.ConnectionString));
                    services.AddSingleton<IEvidenceArchive>(sp => sp.GetRequiredService<PostgresEvidenceArchive>());
                    services.AddHostedService(sp => sp.GetRequiredService<PostgresEvidenceArchive>());
                }

                services.AddOrleans(silo => Configure(silo, config, membership));
                // Orleans logs every refused connection and retry to a dead node as a warning with its stack; what an
                // operator needs from it is membership (who is suspected, who is declared dead), and errors.
                services.AddLogging(b => b
                    .AddFilter("Orleans", LogLevel.Error)
                    .AddFilter("Orleans.Runtime.MembershipService", LogLevel.Warning)
                    .AddFilter("Polly", LogLevel.Error));
                services.AddSingleton<ITenantLimits, ClusterTenantLimits>();
                services.AddSingleton(new NodeTrust(config));
                services.AddSingleton<Forwarder>();
                services.AddSingleton<IRolloutStore>(membership is PostgresMembership pg ? new PostgresRolloutStore(pg.ConnectionString) : new MemoryRolloutStore());
                services.AddSingleton<NodeReporter>();
                services.AddHostedService(sp => sp.GetRequiredService<NodeReporter>());
                services.AddSingleton(new Catalog(catalog));
                services.AddSingleton<NodeMembership>();
                services.AddSingleton<INodeMembership>(sp => sp.GetRequiredService<NodeMembership>());
                services.AddHostedService(sp => sp.GetRequiredService<NodeMembership>());
                services.AddHostedService<ReplicaPlacer>();
            },
            Endpoints = endpoints =>
            {
                inner?.Endpoints?.Invoke(endpoints);
                var sp = endpoints.Services;
                var node = sp.GetRequiredService<NodeReporter>();
                node.Attach(endpoints);
                var router = ActivatorUtilities.CreateInstance<ClusterRouter>(sp, endpoints);
                var cluster = ActivatorUtilities.CreateInstance<ClusterEndpoints>(sp, endpoints);
                endpoints.Use(router.InvokeAsync);
                endpoints.Use(cluster.Evidence);
                endpoints.MapGet(ClusterEndpoints.StatusPath, cluster.Status);
                var rollouts = ActivatorUtilities.CreateInstance<RolloutEndpoints>(sp, endpoints);
                endpoints.MapGet(RolloutEndpoints.Path, rollouts.Get);
                endpoints.MapPost(RolloutEndpoints.Path, rollouts.Post);
            },
        };
    }

    private static void Configure(ISiloBuilder silo, ClusterConfig config, MembershipSpec membership)
    {
        var advertise = IPAddress.Parse(config.AdvertiseHost);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = config.ClusterId;
            o.ServiceId = "strata";
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = advertise;
            o.SiloPort = config.SiloPort;
            o.GatewayPort = 0; // nodes talk silo to silo; clients come over HTTP
            o.SiloListeningEndpoint = new IPEndPoint(advertise, config.SiloPort);
        });
        switch (membership)
        {
            case LocalhostMembership local:
                silo.UseDevelopmentClustering(new IPEndPoint(IPAddress.Loopback, local.PrimarySiloPort));
                break;
            case PostgresMembership postgres:
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = postgres.ConnectionString;
                });
                break;
            default:
                throw new ArgumentException($"membership {membership} is not supported");
        }

        // Failure detection: a silo that misses MissedProbes probes of ProbeTimeout is suspected, and declared dead once
        // enough others vote so (two, or every other silo when fewer are left).
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromMilliseconds(config.ProbeTimeoutMs);
            o.NumMissedProbesLimit = config.MissedProbes;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        });
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
    }

    private sealed class SchemaService(string connectionString) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => PostgresMembershipSchema.EnsureAsync(connectionString, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

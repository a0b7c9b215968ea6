// `strata serve`'s cluster options: each overrides the config file's `cluster` field of the same name.
using System.CommandLine;
using Strata.Serving;

namespace Strata.Cli;

/// <summary>The options that make `strata serve` a cluster node.</summary>
internal sealed class ClusterOptions
{
    private readonly Option<string?> _clusterId = new("--cluster-id")
    {
        Description = "join the cluster of this name as a node (an Orleans silo in this process); nodes of one name and membership serve as one service",
    };

    private readonly Option<int?> _siloPort = new("--silo-port") { Description = "this node's silo port (default 11111)" };

    private readonly Option<string?> _membership = new("--membership")
    {
        Description = "where the nodes find each other: localhost:PRIMARY_SILO_PORT (one machine) or postgres:CONNECTION_STRING",
    };

    private readonly Option<string?> _routing = new("--routing")
    {
        Description = "how a request picks its replica: prefix_affinity (default; bounded by load), round_robin or least_loaded",
    };

    private readonly Option<int?> _loadBound = new("--load-bound")
    {
        Description = "prefix affinity never picks a replica whose load exceeds the least loaded one's by more than this (default 4)",
    };

    public void AddTo(Command command)
    {
        _routing.AcceptOnlyFromAmong("prefix_affinity", "round_robin", "least_loaded");
        command.Options.Add(_clusterId);
        command.Options.Add(_siloPort);
        command.Options.Add(_membership);
        command.Options.Add(_routing);
        command.Options.Add(_loadBound);
    }

    /// <summary>The config with the given options applied and validated.</summary>
    /// <exception cref="ArgumentException">an option is out of range, or cluster options without a cluster id</exception>
    public ServerConfig Apply(ParseResult parse, ServerConfig config)
    {
        var c = config.Cluster;
        c = c with
        {
            ClusterId = parse.GetValue(_clusterId) ?? c.ClusterId,
            SiloPort = parse.GetValue(_siloPort) ?? c.SiloPort,
            Membership = parse.GetValue(_membership) ?? c.Membership,
            Routing = parse.GetValue(_routing) ?? c.Routing,
            LoadBound = parse.GetValue(_loadBound) ?? c.LoadBound,
        };
        if (!c.Enabled && (c.Membership.Length > 0 || parse.GetValue(_siloPort) is not null))
        {
            throw new ArgumentException("--membership and --silo-port need --cluster-id (the cluster this node joins)");
        }

        if (c.Enabled && c.Membership.Length == 0)
        {
            throw new ArgumentException($"--cluster-id {c.ClusterId} needs --membership localhost:PRIMARY_SILO_PORT or postgres:CONNECTION_STRING");
        }

        c.Validate();
        return config with { Cluster = c };
    }
}

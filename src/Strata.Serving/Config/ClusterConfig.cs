// What makes a `strata serve` process a node of a cluster: its cluster's name, its silo port, where membership lives,
// how requests are routed and how fast a dead node is noticed.
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Strata.Serving;

/// <summary>
/// A node's cluster settings: the config file's <c>cluster</c> object, STRATA__CLUSTER__FIELD variables, or `strata serve`
/// options. Strata.Cluster acts on them; the server only carries them.
/// </summary>
public sealed record ClusterConfig
{
    /// <summary>The cluster's name: nodes with the same name and membership form one service.</summary>
    [ConfigurationKeyName("cluster_id")]
    public string ClusterId { get; init; } = "";

    /// <summary>The Orleans silo port of this node (silo-to-silo traffic, on loopback unless advertised otherwise).</summary>
    [ConfigurationKeyName("silo_port")]
    public int SiloPort { get; init; } = 11111;

    /// <summary>
    /// Where membership lives: <c>localhost:PRIMARY_SILO_PORT</c> (Orleans' development clustering, one machine) or
    /// <c>postgres:CONNECTION_STRING</c> (Orleans' ADO.NET clustering on PostgreSQL).
    /// </summary>
    [ConfigurationKeyName("membership")]
    public string Membership { get; init; } = "";

    /// <summary>How a request picks its replica: <c>prefix_affinity</c> (default), <c>round_robin</c> or <c>least_loaded</c>.</summary>
    [ConfigurationKeyName("routing")]
    public string Routing { get; init; } = "prefix_affinity";

    /// <summary>Prefix affinity never sends a request to a replica whose load exceeds the least loaded one's by more than this.</summary>
    [ConfigurationKeyName("load_bound")]
    public int LoadBound { get; init; } = 4;

    /// <summary>How long a silo waits for a probe's answer before counting it missed (Orleans' ProbeTimeout).</summary>
    [ConfigurationKeyName("probe_timeout_ms")]
    public int ProbeTimeoutMs { get; init; } = 1000;

    /// <summary>Missed probes after which a silo suspects another (Orleans' NumMissedProbesLimit).</summary>
    [ConfigurationKeyName("missed_probes")]
    public int MissedProbes { get; init; } = 2;

    /// <summary>How often a node reports its replicas' load to the routers.</summary>
    [ConfigurationKeyName("report_interval_ms")]
    public int ReportIntervalMs { get; init; } = 250;

    /// <summary>The address other nodes reach this one at (silo and HTTP); loopback by default.</summary>
    [ConfigurationKeyName("advertise_host")]
    public string AdvertiseHost { get; init; } = "127.0.0.1";

    /// <summary>Memory this node gives model replicas (their files), in MiB; 0 = no limit. Placement never exceeds it.</summary>
    [ConfigurationKeyName("memory_budget_mib")]
    public int MemoryBudgetMib { get; init; }

    /// <summary>
    /// Keys that may change rollouts (POST /v1/strata/cluster/rollouts/MODEL); on a server without tenants anyone on
    /// its (loopback) address may.
    /// </summary>
    [ConfigurationKeyName("admin_api_keys")]
    public List<string> AdminApiKeys { get; init; } = [];

    /// <summary>
    /// The secret nodes send each other (every node the same); a request claiming to come from a node is trusted only with
    /// it. Without one, only node requests from a loopback address are trusted, so a cluster across machines needs it.
    /// </summary>
    [ConfigurationKeyName("secret")]
    public string Secret { get; init; } = "";

    /// <summary>True when this node is part of a cluster (a cluster id was given).</summary>
    public bool Enabled => ClusterId.Length > 0;

    /// <summary>Fails naming the first setting that is wrong.</summary>
    /// <exception cref="ArgumentException">a setting is out of range or malformed</exception>
    public void Validate()
    {
        if (!Enabled)
        {
            return;
        }

        if (ClusterId.Length > 100 || !IsName(ClusterId))
        {
            throw new ArgumentException($"cluster id '{ClusterId}' must be 1 to 100 letters, digits, '-', '_' or '.'");
        }

        if (SiloPort is < 1 or > 65535)
        {
            throw new ArgumentException($"silo port must be 1 to 65535; found {SiloPort}");
        }

        if (!Membership.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) && !Membership.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"cluster membership '{Membership}' is neither localhost:PRIMARY_SILO_PORT nor postgres:CONNECTION_STRING");
        }

        _ = Routing is "prefix_affinity" or "round_robin" or "least_loaded"
            ? 0 : throw new ArgumentException($"routing '{Routing}' is unknown; use prefix_affinity, round_robin or least_loaded");
        Positive(LoadBound, "load bound");
        Positive(ProbeTimeoutMs, "probe timeout (ms)");
        Positive(MissedProbes, "missed probes");
        Positive(ReportIntervalMs, "report interval (ms)");
        if (MemoryBudgetMib < 0)
        {
            throw new ArgumentException($"memory budget (MiB) must be 0 (no limit) or more; found {MemoryBudgetMib}");
        }

        if (!System.Net.IPAddress.TryParse(AdvertiseHost, out _))
        {
            throw new ArgumentException($"advertise host must be an IP address; found '{AdvertiseHost}'");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name} must be positive; found {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static bool IsName(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return s.Length > 0;
    }
}

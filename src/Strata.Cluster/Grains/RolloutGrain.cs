// A model's rollout: validates changes, persists them, and splits requests by smooth weighted round robin.
namespace Strata.Cluster;

/// <inheritdoc cref="IRolloutGrain"/>
internal sealed class RolloutGrain(IRolloutStore store, TimeProvider time) : Grain, IRolloutGrain
{
    private const int MaxEvents = 1000;

    private RolloutView _view = null!;
    private readonly Dictionary<string, int[]> _current = new(StringComparer.Ordinal); // per scope: smooth WRR credits

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        string model = this.GetPrimaryKeyString();
        _view = await store.LoadAsync(model, cancellationToken) ?? new RolloutView { Model = model };
    }

    public Task<RolloutView> View() => Task.FromResult(_view);

    public Task<RolloutPick?> Pick(string tenant)
    {
        if (_view.Stable is not { } stable)
        {
            return Task.FromResult<RolloutPick?>(null);
        }

        var scope = Scope(_view.Canaries, tenant);
        if (scope.Count == 0)
        {
            return Task.FromResult<RolloutPick?>(new RolloutPick { Version = stable, Stable = stable, Percent = 100 });
        }

        // Smooth weighted round robin (nginx's): every pick adds each weight to its credit and takes the largest credit,
        // which pays back the total. Entry 0 is the stable version with what the canaries leave.
        string key = scope[0].Tenant ?? "";
        int n = scope.Count + 1;
        if (!_current.TryGetValue(key, out var credit) || credit.Length != n)
        {
            _current[key] = credit = new int[n];
        }

        int best = 0, total = 0;
        for (int i = 0; i < n; i++)
        {
            int weight = i == 0 ? 100 - Sum(scope) : scope[i - 1].Percent;
            credit[i] += weight;
            total += weight;
            if (credit[i] > credit[best])
            {
                best = i;
            }
        }

        credit[best] -= total;
        return Task.FromResult<RolloutPick?>(best == 0
            ? new RolloutPick { Version = stable, Stable = stable, Percent = 100 - Sum(scope) }
            : new RolloutPick { Version = scope[best - 1].Version, Stable = stable, Percent = scope[best - 1].Percent });
    }

    public async Task<RolloutView> Change(RolloutChange change)
    {
        string model = this.GetPrimaryKeyString();
        var canaries = new List<CanaryWeight>(_view.Canaries);
        string? stable = _view.Stable;
        switch (change.Action)
        {
            case "promote":
                if (change.Tenant is not null)
                {
                    throw new RolloutException("promote makes a version stable for every tenant; give no tenant (a tenant's share is set with canary)");
                }

                string promoted = CheckVersion(model, change.Version);
                stable = promoted;
                canaries.RemoveAll(c => c.Tenant is null || c.Version == promoted);
                break;
            case "canary":
                string version = CheckVersion(model, change.Version);
                if (stable is null)
                {
                    throw new RolloutException($"model '{model}' has no stable version yet: promote one first (strata cluster rollout promote)");
                }

                if (version == stable)
                {
                    throw new RolloutException($"'{version}' is the stable version; a canary is another version");
                }

                if (change.Percent is < 0 or > 100)
                {
                    throw new RolloutException($"a canary's percent is 0 to 100; found {change.Percent}");
                }

                canaries.RemoveAll(c => c.Tenant == change.Tenant && c.Version == version);
                if (change.Percent > 0)
                {
                    canaries.Add(new CanaryWeight { Version = version, Percent = change.Percent, Tenant = change.Tenant });
                }

                int sum = 0;
                foreach (var c in canaries)
                {
                    sum += c.Tenant == change.Tenant ? c.Percent : 0;
                }

                if (sum > 100)
                {
                    throw new RolloutException($"the canaries of {(change.Tenant is null ? "the default scope" : $"tenant '{change.Tenant}'")} would take {sum}% of its requests; at most 100");
                }

                break;
            case "rollback":
                canaries.RemoveAll(c => c.Tenant == change.Tenant && (change.Version is null || c.Version == change.Version));
                break;
            default:
                throw new RolloutException($"action '{change.Action}' is unknown; use canary, promote or rollback");
        }

        var events = new List<RolloutEvent>(_view.Events);
        events.Add(new RolloutEvent
        {
            At = time.GetUtcNow(),
            Actor = change.Actor,
            Action = change.Action,
            Version = change.Version,
            Percent = change.Action switch { "canary" => change.Percent, "promote" => 100, _ => 0 },
            Tenant = change.Tenant,
            Stable = stable,
            TraceId = change.TraceId,
        });
        if (events.Count > MaxEvents)
        {
            events.RemoveRange(0, events.Count - MaxEvents);
        }

        canaries.Sort((a, b) => (a.Tenant is null, b.Tenant is null) switch
        {
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(a.Tenant + "\n" + a.Version, b.Tenant + "\n" + b.Version),
        });
        var next = new RolloutView { Model = model, Stable = stable, Canaries = canaries, Events = events };
        await store.SaveAsync(next, CancellationToken.None); // durable before it routes anything
        _view = next;
        _current.Clear();
        return next;
    }

    // The tenant's own canaries when it has any, else the default scope's.
    private static List<CanaryWeight> Scope(IReadOnlyList<CanaryWeight> canaries, string tenant)
    {
        var own = new List<CanaryWeight>();
        var shared = new List<CanaryWeight>();
        foreach (var c in canaries)
        {
            (c.Tenant == tenant ? own : c.Tenant is null ? shared : null)?.Add(c);
        }

        return own.Count > 0 ? own : shared;
    }

    private static int Sum(List<CanaryWeight> scope)
    {
        int sum = 0;
        foreach (var c in scope)
        {
            sum += c.Percent;
        }

        return sum;
    }

    private static string CheckVersion(string model, string? version) =>
        version is not null && version.StartsWith(model + "@", StringComparison.Ordinal) && version.Length > model.Length + 1
            ? version
            : throw new RolloutException($"a version of '{model}' is named '{model}@VERSION' (a served model name); found '{version}'");
}

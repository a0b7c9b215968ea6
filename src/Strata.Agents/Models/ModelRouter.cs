// Chooses a task's model route: by the contract's request, the data boundary, and the policy, in that order.
namespace Strata.Agents;

/// <summary>
/// Chooses the model route of a task. Candidates are the contract's named route (if any) or every route in
/// registration order. A restricted task may use only an in-process route (a boundary no policy can lift); every
/// other candidate must be allowed by the policy's route rules. The first allowed candidate is taken.
/// </summary>
public sealed class ModelRouter
{
    private readonly IReadOnlyList<ModelRoute> _routes;

    /// <summary>Creates a router over these routes (names must be distinct).</summary>
    public ModelRouter(IReadOnlyList<ModelRoute> routes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (!names.Add(route.Name))
            {
                throw new ArgumentException($"model route '{route.Name}' is registered twice", nameof(routes));
            }
        }

        _routes = routes;
    }

    /// <summary>The routes, in registration order.</summary>
    public IReadOnlyList<ModelRoute> Routes => _routes;

    /// <summary>Chooses a route for a task under a policy.</summary>
    public RouteChoice Choose(TaskContract contract, Policy policy)
    {
        var decisions = new List<(string, PolicyDecision)>();
        foreach (var route in _routes)
        {
            if (contract.Model is { } wanted && route.Name != wanted)
            {
                continue;
            }

            var decision = Decide(contract, policy, route);
            decisions.Add((route.Name, decision));
            if (decision.Verdict == PolicyVerdict.Allow)
            {
                return new RouteChoice(route, decisions);
            }
        }

        if (decisions.Count == 0)
        {
            var reason = contract.Model is null ? "no model route is configured" : $"no model route is named '{contract.Model}'";
            decisions.Add((contract.Model ?? "(none)", new PolicyDecision(PolicyVerdict.Deny, "route:unknown", reason)));
        }

        return new RouteChoice(null, decisions);
    }

    private static PolicyDecision Decide(TaskContract contract, Policy policy, ModelRoute route)
    {
        if (contract.Classification == Evidence.DataClassification.Restricted && route.Locality != RouteLocality.InProcess)
        {
            return new PolicyDecision(PolicyVerdict.Deny, "boundary:restricted-in-process-only",
                $"restricted data may reach only an in-process model; route '{route.Name}' is remote ({route.Description})");
        }

        var decision = policy.Decide(PolicySubject.ForTask(contract, PolicyTarget.Route) with
        {
            Route = route.Name,
            Locality = route.Locality,
        });

        // A route is a choice, not a call a person can approve: anything short of allow refuses it.
        return decision.Verdict == PolicyVerdict.RequireApproval
            ? decision with { Verdict = PolicyVerdict.Deny, Reason = decision.Reason + " (approval does not apply to model routes)" }
            : decision;
    }
}

// The router's answer: the route taken (if any) and the decision made about every candidate on the way.
namespace Strata.Agents;

/// <summary>What <see cref="ModelRouter.Choose"/> decided.</summary>
/// <param name="Route">The route taken; null when every candidate was refused.</param>
/// <param name="Decisions">Each candidate considered, in order, with its decision.</param>
public sealed record RouteChoice(ModelRoute? Route, IReadOnlyList<(string Route, PolicyDecision Decision)> Decisions);

// A model a task may use: its name, where it runs, and the IChatClient that reaches it.
using Microsoft.Extensions.AI;

namespace Strata.Agents;

/// <summary>A model route: every model call of a task goes through one, chosen by <see cref="ModelRouter"/>.</summary>
/// <param name="Name">Route name, matched by policy rules and recorded.</param>
/// <param name="Locality">In process (data never leaves) or remote.</param>
/// <param name="Client">The client: Strata's in-process engine, a Strata server, or an OpenAI-compatible endpoint.</param>
/// <param name="Description">What it is (model file, endpoint address), recorded in evidence.</param>
public sealed record ModelRoute(string Name, RouteLocality Locality, IChatClient Client, string Description);

// One timestamped event any layer appends to an evidence record, with free-form string attributes.
namespace Strata.Evidence;

/// <summary>A timestamped event from one layer, e.g. ("engine", "first_token", t, {"token_id": "42"}).</summary>
/// <param name="Layer">layer that emitted it: "substrate", "kernels", "compiler", "engine", "cli", ...</param>
/// <param name="Name">what happened, snake_case</param>
/// <param name="At">when, from the record's injected <see cref="TimeProvider"/></param>
/// <param name="Attributes">details; keys are kept verbatim in JSON</param>
public sealed record EvidenceEvent(string Layer, string Name, DateTimeOffset At, IReadOnlyDictionary<string, string> Attributes);

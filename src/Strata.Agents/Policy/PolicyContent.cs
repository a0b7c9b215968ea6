// What a policy file held once read and checked: its version, its rules as written, and the same rules compiled.
namespace Strata.Agents;

/// <summary>A policy file's checked content; <see cref="Compiled"/>[i] is <see cref="Rules"/>[i] ready to evaluate.</summary>
/// <param name="Version">The format version.</param>
/// <param name="Rules">The rules as written, in file order.</param>
/// <param name="Compiled">The rules compiled, in file order.</param>
internal sealed record PolicyContent(int Version, IReadOnlyList<PolicyRule> Rules, CompiledPolicyRule[] Compiled);

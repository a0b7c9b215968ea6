// Decides a tool call before it runs: the contract's authority first, then the policy.
using System.Text.Json;

namespace Strata.Agents;

/// <summary>
/// The authority check of one tool call. The contract bounds what any policy may allow: an unknown tool, a tool
/// the contract does not offer, or one whose scope it does not grant is denied before the policy is asked.
/// </summary>
public static class ToolAuthority
{
    /// <summary>Decides a call of <paramref name="toolName"/> (null <paramref name="tool"/>: not registered).</summary>
    public static PolicyDecision Decide(TaskContract contract, Policy policy, string toolName, AgentTool? tool, JsonElement arguments)
    {
        if (tool is null)
        {
            return new PolicyDecision(PolicyVerdict.Deny, "contract:unknown-tool", $"no tool named '{toolName}' is registered");
        }

        if (!Contains(contract.Tools, toolName))
        {
            return new PolicyDecision(PolicyVerdict.Deny, "contract:tool-not-offered", $"the task's contract does not offer '{toolName}'");
        }

        if (tool.Declaration.Scope is { } scope && !Contains(contract.Scopes, scope))
        {
            return new PolicyDecision(PolicyVerdict.Deny, "contract:scope-not-granted",
                $"'{toolName}' needs scope '{scope}', which the task's contract does not grant");
        }

        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return new PolicyDecision(PolicyVerdict.Deny, "contract:arguments-not-object",
                $"the arguments of '{toolName}' must be a JSON object, found {arguments.ValueKind}");
        }

        return policy.Decide(PolicySubject.ForTask(contract, PolicyTarget.Tool) with
        {
            Tool = toolName,
            Effects = tool.Declaration.Effects,
            ToolScope = tool.Declaration.Scope,
            Arguments = arguments,
        });
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (var index = 0; index < values.Count; index++)
        {
            if (values[index] == value)
            {
                return true;
            }
        }

        return false;
    }
}

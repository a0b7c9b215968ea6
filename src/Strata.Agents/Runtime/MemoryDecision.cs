// Decides what a completing task keeps as memory: by its contract's rule and its classification, always recorded.
using System.Text.Json.Nodes;

namespace Strata.Agents;

/// <summary>The memory decision of a completing task: a memory to keep (or none) and the ledger payload saying why.</summary>
internal static class MemoryDecision
{
    public static (MemoryRecord? Memory, JsonObject Payload) Decide(TaskContract contract, string taskId, string answer, DateTimeOffset now)
    {
        if (contract.Memory is not { } rule)
        {
            return (null, new JsonObject { ["kept"] = false, ["reason"] = "the contract keeps no memory" });
        }

        if (contract.Classification > rule.MaxClassification)
        {
            return (null, new JsonObject
            {
                ["key"] = rule.Key,
                ["kept"] = false,
                ["reason"] = $"the task is classified {contract.Classification}, above the {rule.MaxClassification} its memory rule allows",
            });
        }

        var expires = now.AddDays(rule.RetentionDays);
        return (new MemoryRecord(contract.Tenant, rule.Key, taskId, contract.Classification, answer, now, expires), new JsonObject
        {
            ["key"] = rule.Key,
            ["kept"] = true,
            ["classification"] = contract.Classification.ToString(),
            ["expires_at"] = expires.ToString("O"),
            ["reason"] = $"the memory rule keeps answers up to {rule.MaxClassification} for {rule.RetentionDays} days",
        });
    }
}

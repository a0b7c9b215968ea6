// Ledger payloads: JSON objects whose content fields are text or only a hash, by the task's classification.
using System.Text;
using System.Text.Json.Nodes;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// Builds ledger payloads. Content (answers, arguments, results) is kept as text only while the task is
/// classified <see cref="DataClassification.Internal"/> or below; above that only its SHA-256 is written.
/// </summary>
public static class LedgerPayload
{
    /// <summary>Highest classification whose content the ledger keeps as text.</summary>
    public const DataClassification TextCeiling = DataClassification.Internal;

    /// <summary>A content field: <c>{"sha256": …, "text": …}</c>, the text only when the classification allows.</summary>
    public static JsonObject Content(string text, DataClassification classification)
    {
        var node = new JsonObject { ["sha256"] = EvidenceHash.Sha256Hex(Encoding.UTF8.GetBytes(text)) };
        if (classification <= TextCeiling)
        {
            node["text"] = text;
        }

        return node;
    }

    /// <summary>A decision as recorded: verdict, rule and reason.</summary>
    public static JsonObject Decision(PolicyDecision decision) => new()
    {
        ["verdict"] = decision.Verdict.ToString(),
        ["rule"] = decision.Rule,
        ["reason"] = decision.Reason,
    };

    /// <summary>The payload serialized.</summary>
    public static LedgerAppend Record(string kind, JsonObject payload) => new(kind, payload.ToJsonString());
}

// Builds a task's context: only items at or below its clearance enter; each is recorded by hash.
using System.Text;
using Strata.Evidence;

namespace Strata.Agents;

/// <summary>
/// Assembles context items into prompt text. An item classified above the task's classification never enters.
/// An item's text comes inline or from its file; when the item carries a hash (recorded at first use) the text
/// must still hash to it, so a resumed task never reads context other than what it started with.
/// </summary>
public static class ContextAssembler
{
    /// <summary>Assembles the contract's context.</summary>
    /// <param name="contract">The contract.</param>
    /// <param name="memories">The memories of a key, as of the task's submission (null: memory items cannot be read).</param>
    /// <exception cref="ContractException">an item's text cannot be read or no longer matches its hash</exception>
    public static AssembledContext Assemble(TaskContract contract, Func<string, IReadOnlyList<MemoryRecord>>? memories = null)
    {
        var text = new StringBuilder();
        var decisions = new List<ContextDecision>(contract.Context.Count);
        for (var index = 0; index < contract.Context.Count; index++)
        {
            var item = contract.Context[index];
            if (item.Classification > contract.Classification)
            {
                decisions.Add(new ContextDecision(item.Id, item.Classification, item.Sha256, false,
                    $"classified {item.Classification}, above the task's {contract.Classification}"));
                continue;
            }

            var content = item.Memory is { } key ? Remembered(item, key, memories) : Read(item, index);
            var sha = EvidenceHash.Sha256Hex(Encoding.UTF8.GetBytes(content));
            if (item.Sha256 is { } expected && expected != sha)
            {
                throw new ContractException($"$.context[{index}]",
                    $"item '{item.Id}' now hashes to {sha}, but the task started with {expected}: its text changed");
            }

            text.Append("[context ").Append(item.Id).Append("]\n").Append(content).Append('\n');
            decisions.Add(new ContextDecision(item.Id, item.Classification, sha, true, null));
        }

        return new AssembledContext(text.ToString(), decisions);
    }

    /// <summary>
    /// The contract with every item carrying the hash of what was read, so a resume can check it reads the same.
    /// For storage (<paramref name="forStorage"/>) hash-only items also lose their inline text, which so never
    /// reaches the store file; the process that submitted the task keeps the text in memory.
    /// </summary>
    public static TaskContract WithHashes(TaskContract contract, AssembledContext context, bool forStorage)
    {
        var items = new ContextItem[contract.Context.Count];
        for (var index = 0; index < items.Length; index++)
        {
            var item = contract.Context[index];
            var sha = context.Decisions[index].Sha256 ?? item.Sha256;
            items[index] = forStorage && item.Retention == ContentRetention.HashOnly
                ? item with { Text = null, Sha256 = sha }
                : item with { Sha256 = sha };
        }

        return contract with { Context = items };
    }

    // The memories kept under the key, those classified above the item left out (they would raise its classification).
    private static string Remembered(ContextItem item, string key, Func<string, IReadOnlyList<MemoryRecord>>? memories)
    {
        var text = new StringBuilder();
        foreach (var memory in memories?.Invoke(key) ?? [])
        {
            if (memory.Classification <= item.Classification)
            {
                text.Append(memory.Text).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Read(ContextItem item, int index)
    {
        if (item.Text is { } inline)
        {
            return inline;
        }

        if (item.Path is null)
        {
            throw new ContractException($"$.context[{index}]",
                $"item '{item.Id}' is hash-only and was given inline, so its text was never stored; after a restart it is gone (give it as a 'path' to resume such a task)");
        }

        try
        {
            return File.ReadAllText(item.Path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ContractException($"$.context[{index}].path", $"cannot read '{item.Path}': {error.Message}");
        }
    }
}

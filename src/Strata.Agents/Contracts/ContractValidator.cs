// Checks a task contract on submit; the first problem found is reported with the JSON path of its field.
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Strata.Agents;

/// <summary>Validates <see cref="TaskContract"/>s; throws <see cref="ContractException"/> naming the field.</summary>
public static class ContractValidator
{
    /// <summary>Most steps a contract may allow.</summary>
    public const int MaxStepsLimit = 100_000;

    /// <summary>Validates a contract submitted at <paramref name="now"/>.</summary>
    /// <exception cref="ContractException">a field is missing or out of range</exception>
    public static void Validate(TaskContract contract, DateTimeOffset now)
    {
        RequireText(contract.Tenant, "$.tenant");
        RequireText(contract.Actor, "$.actor");
        RequireText(contract.Goal, "$.goal");
        RequireDistinct(contract.Scopes, "$.scopes");
        RequireDistinct(contract.Tools, "$.tools");
        if (contract.Deadline is { } deadline && deadline <= now)
        {
            throw new ContractException("$.deadline", $"{deadline:O} is not after the submission time {now:O}");
        }

        if (contract.Inputs is { } inputs && inputs.ValueKind is not JsonValueKind.Object)
        {
            throw new ContractException("$.inputs", $"must be a JSON object, found {inputs.ValueKind}");
        }

        ValidateBudgets(contract.Budgets);
        ValidateContext(contract.Context);
        if (contract.Memory is { } memory)
        {
            RequireText(memory.Key, "$.memory.key");
            if (memory.RetentionDays is < 1 or > 3650)
            {
                throw new ContractException("$.memory.retention_days", $"must be between 1 and 3650, found {memory.RetentionDays}");
            }
        }

        if (contract.Outcome is { } outcome)
        {
            ValidateOutcome(outcome);
        }
    }

    private static void ValidateBudgets(TaskBudgets budgets)
    {
        if (budgets.MaxSteps is < 1 or > MaxStepsLimit)
        {
            throw new ContractException("$.budgets.max_steps", $"must be between 1 and {MaxStepsLimit}, found {budgets.MaxSteps}");
        }

        if (budgets.MaxTokens is <= 0)
        {
            throw new ContractException("$.budgets.max_tokens", $"must be positive, found {budgets.MaxTokens}");
        }

        if (budgets.MaxWallTime is { } wall && wall <= TimeSpan.Zero)
        {
            throw new ContractException("$.budgets.max_wall_time", $"must be positive, found {wall}");
        }

        if (budgets.MaxCost is < 0)
        {
            throw new ContractException("$.budgets.max_cost", $"must not be negative, found {budgets.MaxCost}");
        }
    }

    private static void ValidateContext(IReadOnlyList<ContextItem> items)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < items.Count; index++)
        {
            var item = items[index];
            var path = $"$.context[{index}]";
            RequireText(item.Id, path + ".id");
            if (!ids.Add(item.Id))
            {
                throw new ContractException(path + ".id", $"'{item.Id}' is used by an earlier item");
            }

            if ((item.Text is null ? 0 : 1) + (item.Path is null ? 0 : 1) + (item.Memory is null ? 0 : 1) != 1)
            {
                throw new ContractException(path, "needs exactly one of 'text', 'path' and 'memory'");
            }

            if (item.Sha256 is { } sha && (sha.Length != 64 || !sha.All(Uri.IsHexDigit)))
            {
                throw new ContractException(path + ".sha256", "must be 64 hex digits");
            }
        }
    }

    private static void ValidateOutcome(OutcomeContract outcome)
    {
        if (outcome.MaxRetries is < 0 or > 10)
        {
            throw new ContractException("$.outcome.max_retries", $"must be between 0 and 10, found {outcome.MaxRetries}");
        }

        if (outcome.OutputSchema is { } schema && schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            throw new ContractException("$.outcome.output_schema", $"must be a JSON Schema (an object or a boolean), found {schema.ValueKind}");
        }

        for (var index = 0; index < outcome.Checks.Count; index++)
        {
            var check = outcome.Checks[index];
            var path = $"$.outcome.checks[{index}]";
            RequireText(check.Name, path + ".name");
            if (check.Kind is OutcomeCheckKind.Contains or OutcomeCheckKind.Regex or OutcomeCheckKind.ModelGraded && string.IsNullOrEmpty(check.Value))
            {
                throw new ContractException(path + ".value", $"a {check.Kind} check needs a value");
            }

            if (check.Kind is OutcomeCheckKind.Regex)
            {
                try
                {
                    _ = new Regex(check.Value!, RegexOptions.None, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException error)
                {
                    throw new ContractException(path + ".value", $"is not a regular expression: {error.Message}");
                }
            }
        }
    }

    private static void RequireText(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ContractException(field, "is required and must not be empty");
        }
    }

    private static void RequireDistinct(IReadOnlyList<string> values, string field)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < values.Count; index++)
        {
            RequireText(values[index], $"{field}[{index}]");
            if (!seen.Add(values[index]))
            {
                throw new ContractException($"{field}[{index}]", $"'{values[index]}' is listed twice");
            }
        }
    }
}

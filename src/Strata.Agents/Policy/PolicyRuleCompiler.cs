// Checks one rule as read from a policy file and compiles it; every problem names the field, relative to the rule.
using System.Numerics;
using System.Text.Json;

namespace Strata.Agents;

/// <summary>Turns a <see cref="PolicyRule"/> into a <see cref="CompiledPolicyRule"/>, or throws naming what is wrong.</summary>
internal static class PolicyRuleCompiler
{
    /// <summary>Compiles a rule whose id is already known to be present and unique.</summary>
    /// <exception cref="PolicyFormatException">a condition is invalid or does not belong to the rule's target (field relative to the rule, <c>$.tools[1]</c>)</exception>
    public static CompiledPolicyRule Compile(PolicyRule rule)
    {
        RequireConditionsFit(rule);
        var words = new List<string>();
        var tools = Names(rule.Tools, "$.tools", wildcards: true, "tool in", words);
        var effects = Effects(rule.EffectsAny, words);
        var scopes = Names(rule.Scopes, "$.scopes", wildcards: false, "scope in", words);
        var routes = Names(rule.Routes, "$.routes", wildcards: true, "route in", words);
        var localities = Localities(rule.Localities, words);
        var tenants = Names(rule.Tenants, "$.tenants", wildcards: false, "tenant in", words);
        var actors = Names(rule.Actors, "$.actors", wildcards: false, "actor in", words);
        RequireRange(rule.RiskAtLeast, rule.RiskAtMost, "risk", words);
        RequireRange(rule.ClassificationAtLeast, rule.ClassificationAtMost, "classification", words);
        var arguments = Arguments(rule.Arguments, words);
        var because = words.Count == 0 ? $"it has no conditions, so it matches every {Snake(rule.Target)}" : string.Join("; ", words);
        var description = string.IsNullOrWhiteSpace(rule.Description) ? "" : $" ({rule.Description.Trim()})";
        return new CompiledPolicyRule
        {
            Id = rule.Id,
            Target = rule.Target,
            Verdict = rule.Decision,
            ReasonPrefix = $"rule '{rule.Id}' {Verb(rule.Decision)} ",
            ReasonSuffix = $": {because}{description}",
            Tools = tools,
            EffectsAny = effects,
            Scopes = scopes,
            Routes = routes,
            LocalityMask = localities,
            Tenants = tenants,
            Actors = actors,
            RiskAtMost = rule.RiskAtMost,
            RiskAtLeast = rule.RiskAtLeast,
            ClassificationAtMost = rule.ClassificationAtMost,
            ClassificationAtLeast = rule.ClassificationAtLeast,
            Arguments = arguments,
        };
    }

    /// <summary>An enum value as the file writes it: <c>require_approval</c>.</summary>
    public static string Snake<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static string Verb(PolicyVerdict verdict) => verdict switch
    {
        PolicyVerdict.Allow => "allows",
        PolicyVerdict.RequireApproval => "requires approval for",
        _ => "denies",
    };

    private static void RequireConditionsFit(PolicyRule rule)
    {
        var (misplaced, belongsTo) = rule.Target switch
        {
            PolicyTarget.Route when rule.Arguments is not null => ("arguments", "tool"),
            PolicyTarget.Route when rule.Tools is not null => ("tools", "tool"),
            PolicyTarget.Route when rule.EffectsAny is not null => ("effects_any", "tool"),
            PolicyTarget.Route when rule.Scopes is not null => ("scopes", "tool"),
            PolicyTarget.Tool when rule.Routes is not null => ("routes", "route"),
            PolicyTarget.Tool when rule.Localities is not null => ("localities", "route"),
            _ => (null, null),
        };
        if (misplaced is not null)
        {
            throw new PolicyFormatException(
                "$." + misplaced,
                $"applies only to {belongsTo} rules, and this rule's target is {Snake(rule.Target)}, so it could never be tested");
        }
    }

    private static NameMatcher? Names(IReadOnlyList<string>? names, string field, bool wildcards, string label, List<string> words)
    {
        if (names is null)
        {
            return null;
        }

        var matcher = NameMatcher.Create(names, field, wildcards);
        words.Add($"{label} [{matcher.Text}]");
        return matcher;
    }

    private static ToolEffects Effects(IReadOnlyList<ToolEffects>? effects, List<string> words)
    {
        if (effects is null)
        {
            return ToolEffects.None;
        }

        if (effects.Count == 0)
        {
            throw new PolicyFormatException("$.effects_any", "an empty list matches nothing; leave the condition out to match anything");
        }

        var mask = ToolEffects.None;
        for (var index = 0; index < effects.Count; index++)
        {
            if (!BitOperations.IsPow2((uint)effects[index]))
            {
                throw new PolicyFormatException($"$.effects_any[{index}]", $"'{effects[index].ToString().ToLowerInvariant()}' is not one effect; name one of read, write, external, spend, irreversible per entry");
            }

            mask |= effects[index];
        }

        var names = new string[effects.Count];
        for (var index = 0; index < effects.Count; index++)
        {
            names[index] = Snake(effects[index]);
        }

        words.Add($"effects include any of [{string.Join(", ", names)}]");
        return mask;
    }

    private static int Localities(IReadOnlyList<RouteLocality>? localities, List<string> words)
    {
        if (localities is null)
        {
            return 0;
        }

        if (localities.Count == 0)
        {
            throw new PolicyFormatException("$.localities", "an empty list matches nothing; leave the condition out to match anything");
        }

        var mask = 0;
        var names = new string[localities.Count];
        for (var index = 0; index < localities.Count; index++)
        {
            mask |= 1 << (int)localities[index];
            names[index] = Snake(localities[index]);
        }

        words.Add($"locality in [{string.Join(", ", names)}]");
        return mask;
    }

    private static ArgumentCheck[] Arguments(IReadOnlyList<PolicyArgumentConstraint>? constraints, List<string> words)
    {
        if (constraints is null)
        {
            return [];
        }

        if (constraints.Count == 0)
        {
            throw new PolicyFormatException("$.arguments", "an empty list constrains nothing; leave it out");
        }

        var checks = new ArgumentCheck[constraints.Count];
        for (var index = 0; index < constraints.Count; index++)
        {
            var field = $"$.arguments[{index}]";
            checks[index] = ArgumentCheck.Create(
                constraints[index] ?? throw new PolicyFormatException(field, "is null, not an argument constraint"),
                field);
            words.Add(checks[index].Text);
        }

        return checks;
    }

    private static void RequireRange<T>(T? atLeast, T? atMost, string name, List<string> words)
        where T : struct, Enum
    {
        if (atLeast is { } low && atMost is { } high && Comparer<T>.Default.Compare(low, high) > 0)
        {
            throw new PolicyFormatException(
                $"$.{name}_at_least",
                $"{Snake(low)} is above {name}_at_most {Snake(high)}, so the rule could never match");
        }

        if (atLeast is { } least)
        {
            words.Add($"{name} at least {Snake(least)}");
        }

        if (atMost is { } most)
        {
            words.Add($"{name} at most {Snake(most)}");
        }
    }
}

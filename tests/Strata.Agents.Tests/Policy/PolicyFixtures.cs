// Builds the policies and subjects the policy tests decide: rules from JSON fragments, tool calls and routes.
using System.Text.Json;
using Strata.Evidence;

namespace Strata.Agents.Tests;

/// <summary>Small builders for policy tests.</summary>
internal static class PolicyFixtures
{
    /// <summary>A policy of these rules (JSON objects), which must read without a problem.</summary>
    public static Policy Rules(params string[] rules)
    {
        var policy = Policy.FromJson(File(rules));
        Assert.Null(policy.Problem);
        return policy;
    }

    /// <summary>A version 1 policy file holding these rules.</summary>
    public static string File(params string[] rules) => $$"""{ "version": 1, "rules": [{{string.Join(",\n", rules)}}] }""";

    /// <summary>A tool call by tenant <c>acme</c>, actor <c>alice</c>, at low risk, internal.</summary>
    public static PolicySubject Tool(string name, string? arguments = null, ToolEffects effects = ToolEffects.Read, string? scope = null) => new()
    {
        Target = PolicyTarget.Tool,
        Tenant = "acme",
        Actor = "alice",
        Risk = RiskLevel.Low,
        Classification = DataClassification.Internal,
        Tool = name,
        Effects = effects,
        ToolScope = scope,
        Arguments = arguments is null ? null : JsonElement.Parse(arguments),
    };

    /// <summary>A route choice by tenant <c>acme</c>, actor <c>alice</c>, at low risk.</summary>
    public static PolicySubject Route(string name, RouteLocality locality, DataClassification classification = DataClassification.Internal) => new()
    {
        Target = PolicyTarget.Route,
        Tenant = "acme",
        Actor = "alice",
        Classification = classification,
        Route = name,
        Locality = locality,
    };

    /// <summary>The repository's example policy file.</summary>
    public static string ExamplePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "agents", "policies", "example.policy.json");
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"examples/agents/policies/example.policy.json not found above {AppContext.BaseDirectory}");
    }
}

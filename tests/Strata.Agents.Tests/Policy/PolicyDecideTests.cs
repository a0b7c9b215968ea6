// Policy decisions: rules tried in file order, the first match deciding, default deny, and each condition kind.
using Strata.Evidence;
using static Strata.Agents.Tests.PolicyFixtures;

namespace Strata.Agents.Tests;

public sealed class PolicyDecideTests
{
    [Fact]
    public void Decide_TwoRulesMatch_FirstInFileOrderDecides()
    {
        const string deny = """{ "id": "no-mail", "target": "tool", "decision": "deny", "tools": ["mail.send"] }""";
        const string allow = """{ "id": "any-tool", "target": "tool", "decision": "allow" }""";

        var denied = Rules(deny, allow).Decide(Tool("mail.send"));
        var allowed = Rules(allow, deny).Decide(Tool("mail.send"));

        Assert.Equal(new PolicyDecision(PolicyVerdict.Deny, "no-mail", denied.Reason), denied);
        Assert.Equal(PolicyVerdict.Allow, allowed.Verdict);
        Assert.Equal("any-tool", allowed.Rule);
    }

    [Fact]
    public void Decide_NoRuleMatches_DefaultDenyNamingTheTool()
    {
        var policy = Rules("""{ "id": "reads", "target": "tool", "decision": "allow", "tools": ["fs.read_file"] }""");

        var decision = policy.Decide(Tool("mail.send"));

        Assert.Equal(PolicyVerdict.Deny, decision.Verdict);
        Assert.Equal(Policy.DefaultDenyRule, decision.Rule);
        Assert.Contains("mail.send", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_EmptyRuleList_DeniesToolsAndRoutes()
    {
        var policy = Rules();

        Assert.Equal(1, policy.Version);
        Assert.Empty(policy.Rules);
        Assert.Equal("default-deny", policy.Decide(Tool("fs.read_file")).Rule);
        Assert.Equal("default-deny", policy.Decide(Route("local", RouteLocality.InProcess)).Rule);
    }

    [Fact]
    public void Decide_RuleWithoutConditions_MatchesEverySubjectOfItsTargetOnly()
    {
        var policy = Rules("""{ "id": "all-tools", "target": "tool", "decision": "require_approval" }""");

        var tool = policy.Decide(Tool("anything"));

        Assert.Equal(new PolicyDecision(PolicyVerdict.RequireApproval, "all-tools", tool.Reason), tool);
        Assert.Equal("rule 'all-tools' requires approval for anything: it has no conditions, so it matches every tool", tool.Reason);
        Assert.Equal("default-deny", policy.Decide(Route("local", RouteLocality.InProcess)).Rule);
    }

    [Fact]
    public void Decide_MatchingRule_ReasonNamesRuleToolConditionsAndDescription()
    {
        var policy = Rules("""
            { "id": "write-in-workspace", "target": "tool", "decision": "allow", "description": "writes stay in the workspace",
              "arguments": [ { "path": "path", "inside_folder": "/data" } ] }
            """);

        var decision = policy.Decide(Tool("append_line", """{ "path": "/data/notes.txt" }"""));

        Assert.Equal("rule 'write-in-workspace' allows append_line: path inside /data (writes stay in the workspace)", decision.Reason);
    }

    [Theory]
    [InlineData("fs.read_file", true)]
    [InlineData("fs.", true)]
    [InlineData("fs", false)]
    [InlineData("fsx.read", false)]
    [InlineData("append_line", true)]
    [InlineData("append_lines", false)]
    [InlineData("Append_line", false)]
    public void Decide_ToolNamesWithPrefixWildcard_MatchExactlyOrByPrefix(string tool, bool allowed)
    {
        var policy = Rules("""{ "id": "files", "target": "tool", "decision": "allow", "tools": ["fs.*", "append_line"] }""");

        Assert.Equal(allowed, policy.Decide(Tool(tool)).Verdict == PolicyVerdict.Allow);
    }

    [Fact]
    public void Decide_LoneStarTool_MatchesAnyNamedTool()
    {
        var policy = Rules("""{ "id": "star", "target": "tool", "decision": "allow", "tools": ["*"] }""");

        Assert.Equal("star", policy.Decide(Tool("whatever.tool")).Rule);
        Assert.Equal("default-deny", policy.Decide(Tool("x") with { Tool = null }).Rule);
    }

    [Theory]
    [InlineData(ToolEffects.Write, true)]
    [InlineData(ToolEffects.Read | ToolEffects.External, true)]
    [InlineData(ToolEffects.Read, false)]
    [InlineData(ToolEffects.None, false)]
    public void Decide_EffectsAny_MatchesWhenToolDeclaresAnyListedEffect(ToolEffects effects, bool matches)
    {
        var policy = Rules("""{ "id": "effects", "target": "tool", "decision": "deny", "effects_any": ["write", "external"] }""",
            """{ "id": "rest", "target": "tool", "decision": "allow" }""");

        Assert.Equal(matches ? "effects" : "rest", policy.Decide(Tool("t", effects: effects)).Rule);
    }

    [Theory]
    [InlineData("fs.write", true)]
    [InlineData("fs.read", false)]
    [InlineData(null, false)]
    public void Decide_Scopes_MatchTheToolsNeededScope(string? scope, bool matches)
    {
        var policy = Rules("""{ "id": "scoped", "target": "tool", "decision": "allow", "scopes": ["fs.write", "mail"] }""");

        Assert.Equal(matches ? "scoped" : "default-deny", policy.Decide(Tool("t", scope: scope)).Rule);
    }

    [Theory]
    [InlineData("acme", "alice", true)]
    [InlineData("acme", "bob", false)]
    [InlineData("globex", "alice", false)]
    [InlineData("ACME", "alice", false)]
    public void Decide_TenantsAndActors_MatchExactly(string tenant, string actor, bool matches)
    {
        var policy = Rules("""{ "id": "who", "target": "tool", "decision": "allow", "tenants": ["acme"], "actors": ["alice", "carol"] }""");

        Assert.Equal(matches ? "who" : "default-deny", policy.Decide(Tool("t") with { Tenant = tenant, Actor = actor }).Rule);
    }

    [Theory]
    [InlineData(RiskLevel.Low, false)]
    [InlineData(RiskLevel.Medium, true)]
    [InlineData(RiskLevel.High, true)]
    [InlineData(RiskLevel.Critical, false)]
    public void Decide_RiskBounds_MatchInclusiveRange(RiskLevel risk, bool matches)
    {
        var policy = Rules("""{ "id": "mid", "target": "tool", "decision": "allow", "risk_at_least": "medium", "risk_at_most": "high" }""");

        Assert.Equal(matches ? "mid" : "default-deny", policy.Decide(Tool("t") with { Risk = risk }).Rule);
    }

    [Theory]
    [InlineData(DataClassification.Public, true)]
    [InlineData(DataClassification.Internal, true)]
    [InlineData(DataClassification.Confidential, false)]
    [InlineData(DataClassification.Restricted, false)]
    public void Decide_ClassificationAtMost_MatchesThatLevelAndBelow(DataClassification classification, bool matches)
    {
        var policy = Rules("""{ "id": "open", "target": "tool", "decision": "allow", "classification_at_most": "internal" }""");

        Assert.Equal(matches ? "open" : "default-deny", policy.Decide(Tool("t") with { Classification = classification }).Rule);
    }

    [Theory]
    [InlineData(RouteLocality.InProcess, DataClassification.Restricted, "local")]
    [InlineData(RouteLocality.Remote, DataClassification.Restricted, "stays-local")]
    [InlineData(RouteLocality.Remote, DataClassification.Confidential, "stays-local")]
    [InlineData(RouteLocality.Remote, DataClassification.Internal, "hosted")]
    public void Decide_RouteRules_ByLocalityAndClassification(RouteLocality locality, DataClassification classification, string rule)
    {
        var policy = Rules(
            """{ "id": "stays-local", "target": "route", "decision": "deny", "localities": ["remote"], "classification_at_least": "confidential" }""",
            """{ "id": "local", "target": "route", "decision": "allow", "localities": ["in_process"] }""",
            """{ "id": "hosted", "target": "route", "decision": "allow", "localities": ["remote"] }""");

        var decision = policy.Decide(Route("some-model", locality, classification));

        Assert.Equal(rule, decision.Rule);
        Assert.Contains("route some-model", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai.gpt-4o", "hosted")]
    [InlineData("strata-server", "hosted")]
    [InlineData("strata-server-2", "default-deny")]
    [InlineData("anthropic.claude", "default-deny")]
    public void Decide_RouteNamesWithWildcard_MatchExactlyOrByPrefix(string route, string rule)
    {
        var policy = Rules("""{ "id": "hosted", "target": "route", "decision": "allow", "routes": ["openai.*", "strata-server"] }""");

        Assert.Equal(rule, policy.Decide(Route(route, RouteLocality.Remote)).Rule);
    }

    [Fact]
    public void Decide_ToolRuleWithAllConditions_MatchesOnlyWhenEveryOneHolds()
    {
        var policy = Rules("""
            { "id": "all", "target": "tool", "decision": "allow", "tools": ["fs.*"], "effects_any": ["write"],
              "scopes": ["fs.write"], "tenants": ["acme"], "actors": ["alice"], "risk_at_most": "low",
              "classification_at_most": "internal", "arguments": [ { "path": "bytes", "max": 10 } ] }
            """);
        var call = Tool("fs.write_file", """{ "bytes": 10 }""", ToolEffects.Write, "fs.write");

        Assert.Equal("all", policy.Decide(call).Rule);
        Assert.Equal("default-deny", policy.Decide(call with { Tool = "mail.send" }).Rule);
        Assert.Equal("default-deny", policy.Decide(call with { Effects = ToolEffects.Read }).Rule);
        Assert.Equal("default-deny", policy.Decide(call with { ToolScope = "fs.read" }).Rule);
        Assert.Equal("default-deny", policy.Decide(call with { Tenant = "globex" }).Rule);
        Assert.Equal("default-deny", policy.Decide(call with { Actor = "bob" }).Rule);
        Assert.Equal("default-deny", policy.Decide(call with { Risk = RiskLevel.Medium }).Rule);
        Assert.Equal("default-deny", policy.Decide(call with { Classification = DataClassification.Confidential }).Rule);
        Assert.Equal("default-deny", policy.Decide(Tool("fs.write_file", """{ "bytes": 11 }""", ToolEffects.Write, "fs.write")).Rule);
    }

    [Fact]
    public void Decide_ExamplePolicy_DecidesAsItsDescriptionsSay()
    {
        var policy = Policy.Load(ExamplePath());
        Assert.Null(policy.Problem);

        var write = Tool("append_line", """{ "path": "/data/workspace/notes.txt", "bytes": 120 }""", ToolEffects.Write, "fs.write");
        Assert.Equal("write-in-workspace", policy.Decide(write).Rule);
        Assert.Equal("default-deny", policy.Decide(write with { Arguments = Tool("x", """{ "path": "/data/workspace/../secrets.txt", "bytes": 1 }""").Arguments }).Rule);
        Assert.Equal("small-refunds", policy.Decide(Tool("payments.refund", """{ "amount": 40, "currency": "EUR" }""")).Rule);
        Assert.Equal("other-refunds", policy.Decide(Tool("payments.refund", """{ "amount": 400, "currency": "EUR" }""")).Rule);
        Assert.Equal("mail-inside", policy.Decide(Tool("mail.send", """{ "to": "bob@example.com", "options": { "priority": "normal" } }""", ToolEffects.External)).Rule);
        Assert.Equal("mail-outside", policy.Decide(Tool("mail.send", """{ "to": "eve@evil.test" }""", ToolEffects.External)).Rule);
        Assert.Equal("no-irreversible-when-risky", policy.Decide(Tool("db.drop", effects: ToolEffects.Irreversible) with { Risk = RiskLevel.High }).Rule);
        Assert.Equal("sensitive-stays-local", policy.Decide(Route("openai.gpt-4o", RouteLocality.Remote, DataClassification.Confidential)).Rule);
        Assert.Equal("hosted-models", policy.Decide(Route("openai.gpt-4o", RouteLocality.Remote)).Rule);
        Assert.Equal("local-models", policy.Decide(Route("qwen3", RouteLocality.InProcess, DataClassification.Restricted)).Rule);
    }
}

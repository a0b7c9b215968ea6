// Argument constraints: paths kept inside a folder (escapes and prefix tricks refused), bounds, equality, patterns, missing arguments.
using System.Text.Json;
using static Strata.Agents.Tests.PolicyFixtures;

namespace Strata.Agents.Tests;

public sealed class PolicyArgumentTests
{
    private static Policy Constrained(string constraint) =>
        Rules($$"""{ "id": "constrained", "target": "tool", "decision": "allow", "arguments": [ {{constraint}} ] }""");

    private static string RuleFor(Policy policy, string arguments) => policy.Decide(Tool("t", arguments)).Rule;

    private static string Quoted(string text) => JsonSerializer.Serialize(text);

    [Theory]
    [InlineData("/data/a.txt", true)]
    [InlineData("/data", true)]
    [InlineData("/data/", true)]
    [InlineData("/data/sub/deeper/x", true)]
    [InlineData("/data//sub/./x", true)]
    [InlineData("/data/sub/../x", true)]
    [InlineData("a.txt", false)]
    [InlineData("sub/../a.txt", false)]
    [InlineData("./a.txt", false)]
    [InlineData("/data/../etc/passwd", false)]
    [InlineData("/data/sub/../../etc", false)]
    [InlineData("../etc/passwd", false)]
    [InlineData("sub/../../data-evil/x", false)]
    [InlineData("..", false)]
    [InlineData("/data-evil", false)]
    [InlineData("/data-evil/a.txt", false)]
    [InlineData("/database/a.txt", false)]
    [InlineData("/dat", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("/", false)]
    [InlineData("", false)]
    [InlineData("/data/a\u0000b", false)]
    public void Decide_InsideFolder_AllowsOnlyAbsolutePathsThatResolveInsideIt(string path, bool allowed)
    {
        foreach (var folder in new[] { "/data", "/data/", "/data/./sub/.." })
        {
            var policy = Constrained($$"""{ "path": "path", "inside_folder": {{Quoted(folder)}} }""");

            var decision = policy.Decide(Tool("t", $$"""{ "path": {{Quoted(path)}} }"""));

            Assert.Equal(allowed ? "constrained" : "default-deny", decision.Rule);
        }
    }

    [Fact]
    public void Decide_InsideRootFolder_AllowsEveryAbsolutePath()
    {
        var policy = Constrained("""{ "path": "path", "inside_folder": "/" }""");

        Assert.Equal("constrained", RuleFor(policy, """{ "path": "/etc/passwd" }"""));
        Assert.Equal("constrained", RuleFor(policy, """{ "path": "/../.." }"""));
    }

    [Theory]
    [InlineData("""{ "path": 42 }""")]
    [InlineData("""{ "path": ["/data/a"] }""")]
    [InlineData("""{ "path": null }""")]
    [InlineData("""{ "paths": "/data/a" }""")]
    [InlineData("""{ }""")]
    public void Decide_InsideFolderArgumentMissingOrNotString_DoesNotMatch(string arguments)
    {
        var policy = Constrained("""{ "path": "path", "inside_folder": "/data" }""");

        Assert.Equal("default-deny", RuleFor(policy, arguments));
    }

    [Fact]
    public void Decide_CallWithoutArguments_ConstrainedAllowDoesNotMatch()
    {
        var policy = Constrained("""{ "path": "path", "inside_folder": "/data" }""");

        Assert.Equal("default-deny", policy.Decide(Tool("t")).Rule);
        Assert.Equal("default-deny", RuleFor(policy, """["/data/a"]"""));
    }

    [Fact]
    public void Decide_ConstrainedDenyAndMissingArgument_FallsThroughToLaterRules()
    {
        var policy = Rules(
            """{ "id": "no-etc", "target": "tool", "decision": "deny", "arguments": [ { "path": "path", "inside_folder": "/etc" } ] }""",
            """{ "id": "rest", "target": "tool", "decision": "allow" }""");

        Assert.Equal("no-etc", RuleFor(policy, """{ "path": "/etc/shadow" }"""));
        Assert.Equal("rest", RuleFor(policy, """{ "file": "/etc/shadow" }"""));
    }

    [Theory]
    [InlineData("100", true)]
    [InlineData("99.5", true)]
    [InlineData("-3", true)]
    [InlineData("1e2", true)]
    [InlineData("100.01", false)]
    [InlineData("1e400", false)]
    [InlineData("\"50\"", false)]
    [InlineData("true", false)]
    [InlineData("null", false)]
    public void Decide_Max_MatchesNumbersAtOrBelow(string value, bool matches)
    {
        var policy = Constrained("""{ "path": "amount", "max": 100 }""");

        Assert.Equal(matches ? "constrained" : "default-deny", RuleFor(policy, $$"""{ "amount": {{value}} }"""));
    }

    [Theory]
    [InlineData("0.5", true)]
    [InlineData("7", true)]
    [InlineData("0.49", false)]
    [InlineData("-1", false)]
    [InlineData("\"7\"", false)]
    public void Decide_Min_MatchesNumbersAtOrAbove(string value, bool matches)
    {
        var policy = Constrained("""{ "path": "amount", "min": 0.5 }""");

        Assert.Equal(matches ? "constrained" : "default-deny", RuleFor(policy, $$"""{ "amount": {{value}} }"""));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(10, true)]
    [InlineData(11, false)]
    public void Decide_MinAndMaxOnSamePath_BoundBothSides(int value, bool matches)
    {
        var policy = Rules($$"""
            { "id": "range", "target": "tool", "decision": "allow",
              "arguments": [ { "path": "n", "min": 1 }, { "path": "n", "max": 10 } ] }
            """);

        Assert.Equal(matches ? "range" : "default-deny", RuleFor(policy, $$"""{ "n": {{value}} }"""));
    }

    [Theory]
    [InlineData("\"append\"", "\"append\"", true)]
    [InlineData("\"append\"", "\"Append\"", false)]
    [InlineData("2", "2.0", true)]
    [InlineData("2", "20e-1", true)]
    [InlineData("2", "\"2\"", false)]
    [InlineData("null", "null", true)]
    [InlineData("null", "false", false)]
    [InlineData("""{ "a": 1, "b": [true] }""", """{ "b": [true], "a": 1 }""", true)]
    [InlineData("""{ "a": 1 }""", """{ "a": 1, "b": 2 }""", false)]
    public void Decide_Equals_ComparesJsonValues(string expected, string actual, bool matches)
    {
        var policy = Constrained($$"""{ "path": "mode", "equals": {{expected}} }""");

        Assert.Equal(matches ? "constrained" : "default-deny", RuleFor(policy, $$"""{ "mode": {{actual}} }"""));
    }

    [Theory]
    [InlineData("\"EUR\"", true)]
    [InlineData("\"USD\"", true)]
    [InlineData("3", true)]
    [InlineData("\"GBP\"", false)]
    [InlineData("\"eur\"", false)]
    public void Decide_OneOf_MatchesAnyListedValue(string value, bool matches)
    {
        var policy = Constrained("""{ "path": "currency", "one_of": ["EUR", "USD", 3] }""");

        Assert.Equal(matches ? "constrained" : "default-deny", RuleFor(policy, $$"""{ "currency": {{value}} }"""));
    }

    [Theory]
    [InlineData("report.txt", true)]
    [InlineData("notes.md", true)]
    [InlineData("report.txt.exe", false)]
    [InlineData("x/report.txt", false)]
    [InlineData("report.TXT", false)]
    [InlineData("", false)]
    public void Decide_Pattern_MustMatchTheWholeString(string name, bool matches)
    {
        var policy = Constrained("""{ "path": "name", "pattern": "[a-z]+\\.(txt|md)" }""");

        Assert.Equal(matches ? "constrained" : "default-deny", RuleFor(policy, $$"""{ "name": {{Quoted(name)}} }"""));
    }

    [Fact]
    public void Decide_PatternAlternation_AnchorsTheWholeAlternation()
    {
        var policy = Constrained("""{ "path": "name", "pattern": "a|ab" }""");

        Assert.Equal("constrained", RuleFor(policy, """{ "name": "ab" }"""));
        Assert.Equal("default-deny", RuleFor(policy, """{ "name": "xab" }"""));
        Assert.Equal("default-deny", RuleFor(policy, """{ "name": "abx" }"""));
        Assert.Equal("default-deny", RuleFor(policy, """{ "name": 5 }"""));
    }

    [Fact]
    public void Decide_PatternRunsPastTimeout_DeniesUnderThatRule()
    {
        var policy = Rules(
            """{ "id": "slow", "target": "tool", "decision": "deny", "arguments": [ { "path": "s", "pattern": "(x+x+)+y" } ] }""",
            """{ "id": "rest", "target": "tool", "decision": "allow" }""");

        var decision = policy.Decide(Tool("t", $$"""{ "s": "{{new string('x', 64)}}" }"""));

        Assert.Equal(new PolicyDecision(PolicyVerdict.Deny, "slow", decision.Reason), decision);
        Assert.Contains("took over 1 s", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "target": { "path": "/data/a" } }""", true)]
    [InlineData("""{ "target": { "path": "/etc/a" } }""", false)]
    [InlineData("""{ "target": "/data/a" }""", false)]
    [InlineData("""{ "target": { "paths": "/data/a" } }""", false)]
    [InlineData("""{ "target.path": "/data/a" }""", false)]
    public void Decide_DottedPath_ReachesNestedObjects(string arguments, bool matches)
    {
        var policy = Constrained("""{ "path": "target.path", "inside_folder": "/data" }""");

        Assert.Equal(matches ? "constrained" : "default-deny", RuleFor(policy, arguments));
    }
}

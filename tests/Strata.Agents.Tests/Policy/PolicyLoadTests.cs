// Loading policy files: a good file reads with its hash; every broken one gives a deny-all policy naming the cause.
using System.Text;
using Strata.Evidence;
using static Strata.Agents.Tests.PolicyFixtures;

namespace Strata.Agents.Tests;

public sealed class PolicyLoadTests : IDisposable
{
    private const string Good = """{ "id": "a", "target": "tool", "decision": "allow" }""";

    // Bytes that JSON gives meaning to, inserted to break structure rather than only text.
    private static readonly byte[] Noise = "{}[],:\"\\ 0e-x*."u8.ToArray();

    private readonly string _folder = Directory.CreateTempSubdirectory("strata-policy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string[]> BrokenFiles => new()
    {
        { """{ "version": 1, "rules": [ { "id": "a", "target": "tool" """, ["line 1"] },
        { "", ["$: the file is empty"] },
        { " \n ", ["$: the file is empty"] },
        { "null", ["holds null"] },
        { "[]", ["must be a JSON object"] },
        { """{ "version": 1, "rules": [] } x""", ["line 1"] },
        { """{ "version": 1, "rules": [], }""", ["trailing comma at the end which is not supported in this mode. (line 1"] },
        { """{ "version": 1, /* note */ "rules": [] }""", ["line 1"] },
        { """{ "rules": [] }""", ["lacks the required field", "version"] },
        { """{ "version": 1 }""", ["lacks the required field", "rules"] },
        { """{ "version": 1, "rules": null }""", ["$.rules", "found null"] },
        { """{ "version": 2, "rules": [] }""", ["$.version", "version 2 is not supported"] },
        { """{ "defaults": { "decision": "deny" }, "version": 2, "rules": [ { "id": "a", "when": {} } ] }""", ["$.version: version 2 is not supported"] },
        { """{ "version": "1", "rules": [] }""", ["$.version", "whole number 1"] },
        { """{ "version": 1, "rules": [], "rulez": [] }""", ["$.rulez", "not a known field"] },
        { """{ "version": 1, "version": 1, "rules": [] }""", ["$.version", "property 'version' is written twice"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "efects_any": ["write"] }"""), ["$.rules[0].efects_any (rule 'a')", "not a known field"] },
        { File(Good, """{ "id": "b", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "inside": "/x" } ] }"""), ["$.rules[1].arguments[0].inside (rule 'b')", "not a known field"] },
        { File(Good, Good), ["$.rules[1].id (rule 'a')", "already the id of $.rules[0]"] },
        { File("""{ "target": "tool", "decision": "allow" }"""), ["$.rules[0]", "lacks the required field", "id"] },
        { File("""{ "id": " ", "target": "tool", "decision": "allow" }"""), ["$.rules[0].id: is required and must not be empty"] },
        { File("""{ "id": 7, "target": "tool", "decision": "allow" }"""), ["$.rules[0].id", "must be a string"] },
        { File("""{ "id": "a", "target": "tool", "decision": "permit" }"""), ["$.rules[0].decision (rule 'a')", "deny, allow, require_approval"] },
        { File("""{ "id": "a", "target": "tool", "decision": 1 }"""), ["$.rules[0].decision (rule 'a')", "deny, allow, require_approval"] },
        { File("""{ "id": "a", "target": "model", "decision": "allow" }"""), ["$.rules[0].target (rule 'a')", "tool, route"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "effects_any": ["delete"] }"""), ["$.rules[0].effects_any[0]", "read, write, external, spend, irreversible"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "effects_any": ["none"] }"""), ["$.rules[0].effects_any[0]", "'none' is not one effect"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "effects_any": "write" }"""), ["$.rules[0].effects_any", "must be a list"] },
        { File("""{ "id": "a", "target": "route", "decision": "allow", "localities": ["cloud"] }"""), ["$.rules[0].localities[0]", "in_process, remote"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "risk_at_most": "extreme" }"""), ["$.rules[0].risk_at_most", "low, medium, high, critical"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "classification_at_least": "secret" }"""), ["$.rules[0].classification_at_least", "public, internal, confidential, restricted"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "risk_at_least": "high", "risk_at_most": "low" }"""), ["$.rules[0].risk_at_least", "could never match"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "tools": [] }"""), ["$.rules[0].tools", "empty list"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "tools": ["fs*x"] }"""), ["$.rules[0].tools[0]", "one trailing '*'"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "tools": ["a", "a"] }"""), ["$.rules[0].tools[1]", "listed twice"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "tenants": ["acme*"] }"""), ["$.rules[0].tenants[0]", "tenants match exactly"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "tools": "fs.*" }"""), ["$.rules[0].tools", "list of names"] },
        { File("""{ "id": "a", "target": "route", "decision": "allow", "arguments": [ { "path": "p", "max": 1 } ] }"""), ["$.rules[0].arguments (rule 'a')", "only to tool rules"] },
        { File("""{ "id": "a", "target": "route", "decision": "allow", "tools": ["x"] }"""), ["$.rules[0].tools", "only to tool rules"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "localities": ["remote"] }"""), ["$.rules[0].localities", "only to route rules"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "pattern": "(" } ] }"""), ["$.rules[0].arguments[0].pattern (rule 'a')", "not a .NET regular expression"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "pattern": "(?x)a #" } ] }"""), ["$.rules[0].arguments[0].pattern", "cannot be anchored"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "inside_folder": "data" } ] }"""), ["$.rules[0].arguments[0].inside_folder", "'data' is not an absolute folder path"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "min": 1, "max": 2 } ] }"""), ["$.rules[0].arguments[0] (rule 'a')", "exactly one test", "found max, min"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p" } ] }"""), ["$.rules[0].arguments[0]", "found none"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "a..b", "max": 1 } ] }"""), ["$.rules[0].arguments[0].path", "empty name"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "max": 1e400 } ] }"""), ["$.rules[0].arguments[0].max", "finite"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "max": "10" } ] }"""), ["$.rules[0].arguments[0].max", "must be a number"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "one_of": [] } ] }"""), ["$.rules[0].arguments[0].one_of", "empty list"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ { "path": "p", "equals": { "k": 1, "k": 2 } } ] }"""), ["$.rules[0]", "property 'k' is written twice", "line 1, byte 143"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [] }"""), ["$.rules[0].arguments", "constrains nothing"] },
        { File("""{ "id": "a", "target": "tool", "decision": "allow", "arguments": [ null ] }"""), ["$.rules[0].arguments[0]", "null"] },
        { File("7"), ["$.rules[0]", "must be a JSON object"] },
        { File("null"), ["$.rules[0]", "null, not a rule"] },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void FromJson_BrokenFile_DeniesEverythingNamingTheCause(string json, string[] expected)
    {
        var policy = Policy.FromJson(json, "broken.json");

        Assert.NotNull(policy.Problem);
        Assert.StartsWith("policy broken.json: ", policy.Problem, StringComparison.Ordinal);
        foreach (var fragment in expected)
        {
            Assert.Contains(fragment, policy.Problem, StringComparison.Ordinal);
        }

        AssertDeniesEverything(policy);
        Assert.Null(policy.Version);
        Assert.Equal(EvidenceHash.Sha256Hex(Encoding.UTF8.GetBytes(json)), policy.Sha256);
    }

    [Fact]
    public void Load_MissingFile_DeniesEverythingNamingTheFile()
    {
        var path = Path.Combine(_folder, "absent.policy.json");

        var policy = Policy.Load(path);

        Assert.Contains(path, policy.Problem, StringComparison.Ordinal);
        Assert.Contains("cannot read the file", policy.Problem, StringComparison.Ordinal);
        Assert.Equal(EvidenceHash.Sha256Hex([]), policy.Sha256);
        AssertDeniesEverything(policy);
    }

    [Fact]
    public void Load_Directory_DeniesEverything()
    {
        var policy = Policy.Load(_folder);

        Assert.Contains("cannot read the file", policy.Problem, StringComparison.Ordinal);
        AssertDeniesEverything(policy);
    }

    [Fact]
    public void Load_GoodFile_ReadsRulesWithHashOfItsBytes()
    {
        var path = Path.Combine(_folder, "good.policy.json");
        var bytes = Encoding.UTF8.GetBytes(File(Good));
        System.IO.File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. bytes]);

        var policy = Policy.Load(path);

        Assert.Null(policy.Problem);
        Assert.Equal(path, policy.Origin);
        Assert.Equal(EvidenceHash.Sha256Hex([0xEF, 0xBB, 0xBF, .. bytes]), policy.Sha256);
        Assert.Equal(1, policy.Version);
        Assert.Equal("a", Assert.Single(policy.Rules).Id);
        Assert.Equal("a", policy.Decide(Tool("t")).Rule);
    }

    [Fact]
    public void Load_InvalidUtf8_DeniesEverythingNamingTheOffset()
    {
        var path = Path.Combine(_folder, "latin1.policy.json");
        var bytes = Encoding.UTF8.GetBytes(File(Good));
        bytes[10] = 0xFF;
        System.IO.File.WriteAllBytes(path, bytes);

        var policy = Policy.Load(path);

        Assert.Contains("not UTF-8 text (invalid bytes at offset 10)", policy.Problem, StringComparison.Ordinal);
        AssertDeniesEverything(policy);
    }

    [Fact]
    public void DenyAll_Reason_EveryDecisionDeniesWithIt()
    {
        var policy = Policy.DenyAll("no policy configured");

        var decision = policy.Decide(Tool("t"));

        Assert.Equal("no policy configured", policy.Problem);
        Assert.Equal(new string('0', 64), policy.Sha256);
        Assert.Equal(Policy.UnreadableRule, decision.Rule);
        Assert.Contains("no policy configured", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_WrittenBackAsJson_ReadAgainToTheSamePolicy()
    {
        var original = Policy.Load(ExamplePath());

        var again = Policy.FromJson($$"""{ "version": 1, "rules": {{AgentJson.Write(original.Rules)}} }""");

        Assert.Null(again.Problem);
        Assert.Equal(original.Rules.Count, again.Rules.Count);
        Assert.Equal(AgentJson.Write(original.Rules), AgentJson.Write(again.Rules));
    }

    [Fact]
    public void Load_RandomlyDamagedFiles_NeverThrowAndEitherReadOrDenyEverything()
    {
        var pristine = System.IO.File.ReadAllBytes(ExamplePath());
        var random = new Random(20261205);
        var path = Path.Combine(_folder, "damaged.policy.json");
        var (read, denied) = (0, 0);
        for (var trial = 0; trial < 600; trial++)
        {
            System.IO.File.WriteAllBytes(path, Damage(pristine, random));

            var policy = Policy.Load(path);

            if (policy.Problem is null)
            {
                read++;
                var decision = policy.Decide(Tool("append_line", """{ "path": "/data/workspace/a.txt", "bytes": 3 }""", ToolEffects.Write, "fs.write"));
                Assert.True(decision.Rule == Policy.DefaultDenyRule || policy.Rules.Any(rule => rule.Id == decision.Rule), decision.Rule);
            }
            else
            {
                denied++;
                AssertDeniesEverything(policy);
            }
        }

        Assert.True(read > 0 && denied > 0, $"{read} read, {denied} denied: the mutations should produce both");
    }

    private static byte[] Damage(byte[] pristine, Random random)
    {
        var bytes = pristine.ToList();
        var edits = random.Next(1, 4);
        for (var edit = 0; edit < edits && bytes.Count > 0; edit++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.Insert(at, Noise[random.Next(Noise.Length)]);
                    break;
                default:
                    bytes[at] = (byte)random.Next(256);
                    break;
            }
        }

        return [.. bytes];
    }

    private static void AssertDeniesEverything(Policy policy)
    {
        Assert.Empty(policy.Rules);
        foreach (var subject in new[] { Tool("t"), Tool("fs.read_file", """{ "path": "/data/a" }"""), Route("local", RouteLocality.InProcess) })
        {
            var decision = policy.Decide(subject);
            Assert.Equal(PolicyVerdict.Deny, decision.Verdict);
            Assert.Equal(Policy.UnreadableRule, decision.Rule);
            Assert.Contains(policy.Problem!, decision.Reason, StringComparison.Ordinal);
        }
    }
}

// McpServerSpec: which declaration governs a tool, and the spec's JSON shape under AgentJson's strict conventions.
using System.Text.Json;

namespace Strata.Agents.Tests.Mcp;

public sealed class McpServerSpecTests
{
    [Fact]
    public void DeclarationFor_ToolWithoutEntry_IsConservativeAndScopedToTheServer()
    {
        var spec = new McpServerSpec { Name = "crm", Command = "crm-mcp" };

        var declaration = spec.DeclarationFor("delete_contact");

        Assert.Equal(ToolEffects.Read | ToolEffects.Write | ToolEffects.External, declaration.Effects);
        Assert.False(declaration.Idempotent);
        Assert.Equal("mcp:crm", declaration.Scope);
    }

    [Fact]
    public void DeclarationFor_ToolWithEntry_IsThatEntry()
    {
        var lookup = new ToolDeclaration { Effects = ToolEffects.Read, Scope = "crm:read", Idempotent = true };
        var fallback = new ToolDeclaration { Effects = ToolEffects.Read | ToolEffects.Spend };
        var spec = new McpServerSpec
        {
            Name = "crm",
            Command = "crm-mcp",
            Tools = new Dictionary<string, ToolDeclaration> { ["find_contact"] = lookup },
            DefaultDeclaration = fallback,
        };

        Assert.Same(lookup, spec.DeclarationFor("find_contact"));
        Assert.Same(fallback, spec.DeclarationFor("delete_contact"));
    }

    [Fact]
    public void Deserialize_SnakeCaseSpec_ReadsEveryField()
    {
        const string json = """
            {"name":"fs","command":"node","arguments":["server.js","/data"],"working_directory":"/srv",
             "environment":{"LOG_LEVEL":"warn"},
             "tools":{"read_text_file":{"effects":"read","scope":"files:read","idempotent":true}}}
            """;

        var spec = JsonSerializer.Deserialize<McpServerSpec>(json, AgentJson.Options)!;

        Assert.Equal(["server.js", "/data"], spec.Arguments);
        Assert.Equal("/srv", spec.WorkingDirectory);
        Assert.Equal("warn", spec.Environment["LOG_LEVEL"]);
        Assert.Equal(new ToolDeclaration { Effects = ToolEffects.Read, Scope = "files:read", Idempotent = true }, spec.DeclarationFor("read_text_file"));
        Assert.Equal("mcp:fs", spec.DefaultDeclaration.Scope);
    }

    [Fact]
    public void Deserialize_MissingCommand_ThrowsNamingIt()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<McpServerSpec>("""{"name":"fs"}""", AgentJson.Options));

        Assert.Contains("command", error.Message, StringComparison.Ordinal);
    }
}

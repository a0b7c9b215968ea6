// The tools a runtime can call, by name: local functions and the tools of MCP servers.
namespace Strata.Agents;

/// <summary>Registered tools by name; a name registered twice is an error, not a silent override.</summary>
public sealed class ToolCatalog
{
    private readonly Dictionary<string, AgentTool> _tools = new(StringComparer.Ordinal);

    /// <summary>Creates a catalog of these tools.</summary>
    public ToolCatalog(IEnumerable<AgentTool> tools)
    {
        foreach (var tool in tools)
        {
            Add(tool);
        }
    }

    /// <summary>Every tool, by name.</summary>
    public IReadOnlyDictionary<string, AgentTool> Tools => _tools;

    /// <summary>Adds a tool.</summary>
    /// <exception cref="ArgumentException">a tool of that name is registered</exception>
    public void Add(AgentTool tool)
    {
        if (!_tools.TryAdd(tool.Name, tool))
        {
            throw new ArgumentException($"tool '{tool.Name}' ({tool.Source}) is already registered by {_tools[tool.Name].Source}", nameof(tool));
        }
    }

    /// <summary>The tool of that name, or null.</summary>
    public AgentTool? Find(string name) => _tools.GetValueOrDefault(name);
}

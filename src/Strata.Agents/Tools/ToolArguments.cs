// A call's JSON arguments as the name → value map Microsoft.Extensions.AI passes to functions and keeps on calls.
using System.Text.Json;

namespace Strata.Agents;

/// <summary>Converts a JSON arguments object to a dictionary of (cloned) JSON values; anything but an object gives an empty map.</summary>
internal static class ToolArguments
{
    public static Dictionary<string, object?> AsDictionary(JsonElement arguments)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in arguments.EnumerateObject())
            {
                map[property.Name] = property.Value.Clone();
            }
        }

        return map;
    }
}

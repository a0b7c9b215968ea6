// Source-generated JSON for the in-process client's tool arguments (no reflection at run time).
using System.Text.Json.Serialization;

namespace Strata.Engine;

/// <summary>Serializers of tool-call argument dictionaries.</summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(IDictionary<string, object?>))]
internal sealed partial class JsonContext : JsonSerializerContext
{
}

// The cluster section of a request's evidence, carried from the entry node to the serving node in a header.
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Strata.Evidence;

namespace Strata.Cluster;

/// <summary>
/// Writes the routing facts into the request's evidence: directly when this node serves, else as base64url JSON in
/// <see cref="Header"/> for the serving node, which accepts it only from a node its directory lists as live.
/// </summary>
internal static class RouteEvidence
{
    public const string Header = "X-Strata-Route";

    public static string Encode(ClusterSection section) =>
        Base64Url(JsonSerializer.SerializeToUtf8Bytes(section, RouteJson.Default.ClusterSection));

    /// <summary>Records the entry node's facts, this node as the server, when the header decodes and its entry node is live.</summary>
    public static void Accept(HttpContext context, string servedNode, IReadOnlyCollection<string> liveNodes)
    {
        if (context.Request.Headers[Header] is not [{ } value])
        {
            return;
        }

        ClusterSection? section;
        try
        {
            section = JsonSerializer.Deserialize(FromBase64Url(value), RouteJson.Default.ClusterSection);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return; // not a node's header: the evidence says nothing rather than something forged
        }

        if (section is not null && liveNodes.Contains(section.EntryNode))
        {
            Serving.ServerEndpoints.SetClusterEvidence(context, section with { ServedNode = servedNode });
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = new StringBuilder(text.Replace('-', '+').Replace('_', '/'));
        while (s.Length % 4 != 0)
        {
            s.Append('=');
        }

        return Convert.FromBase64String(s.ToString());
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClusterSection))]
internal sealed partial class RouteJson : JsonSerializerContext;

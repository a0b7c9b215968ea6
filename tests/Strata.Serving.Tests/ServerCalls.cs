// Calls the scheduling and architecture tests make on a server they started: an authorised client, a reply's serving evidence.
using System.Text.Json;

namespace Strata.Serving.Tests;

internal static class ServerCalls
{
    /// <summary>A client of <paramref name="server"/> with tenant alpha's key.</summary>
    public static HttpClient Client(StrataServer server)
    {
        var http = new HttpClient { BaseAddress = new Uri(server.Urls[0]), Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServerFixture.KeyA);
        return http;
    }

    /// <summary>The "serving" part of the evidence of <paramref name="reply"/> (by its trace id).</summary>
    public static async Task<JsonElement> ServingEvidence(HttpClient http, HttpResponseMessage reply)
    {
        string id = reply.Headers.GetValues("X-Strata-Trace-Id").Single();
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"/v1/strata/evidence/{id}"));
        return doc.RootElement.GetProperty("serving").Clone();
    }
}

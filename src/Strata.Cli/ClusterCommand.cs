// `strata cluster status`: what a running cluster's nodes report, asked of any one node over HTTP.
using System.CommandLine;
using System.Text.Json;

namespace Strata.Cli;

/// <summary>Builds the cluster command.</summary>
internal static class ClusterCommand
{
    public static Command Create() => new("cluster", "inspect a cluster of strata serve nodes and roll out model versions")
    {
        Status(),
        ClusterRollout.Create(),
    };

    /// <summary>An HTTP client for <paramref name="baseUrl"/>, with the key held in <paramref name="keyVariable"/> if given.</summary>
    internal static HttpClient Connect(string baseUrl, string? keyVariable)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--url '{baseUrl}' is not an http(s) address");
        }

        var client = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(15) };
        if (keyVariable is not null)
        {
            string key = Environment.GetEnvironmentVariable(keyVariable) ?? throw new ArgumentException($"--api-key-env {keyVariable}: the variable is not set");
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Sends the request; the body of a 2xx answer, else an ArgumentException naming the node's answer.</summary>
    internal static async Task<string> Ask(HttpClient client, HttpRequestMessage request, CancellationToken cancellation)
    {
        try
        {
            using var reply = await client.SendAsync(request, cancellation);
            string body = await reply.Content.ReadAsStringAsync(cancellation);
            return reply.IsSuccessStatusCode ? body : throw new ArgumentException($"{client.BaseAddress} answered {(int)reply.StatusCode}: {body}");
        }
        catch (HttpRequestException e)
        {
            throw new ArgumentException($"{client.BaseAddress} cannot be reached: {e.Message}", e);
        }
    }

    private static Command Status()
    {
        var url = new Option<string>("--url") { Description = "any node's HTTP address, e.g. http://127.0.0.1:8080", Required = true };
        var keyVariable = new Option<string?>("--api-key-env") { Description = "environment variable holding an API key of the node's tenants" };
        var format = new Option<string>("--format") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("status", "list the silos (address, status, models), the models with their replicas, load and prefix-cache state")
        {
            url, keyVariable, format,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            using var client = Connect(parse.GetValue(url)!, parse.GetValue(keyVariable));
            string body = await Ask(client, new HttpRequestMessage(HttpMethod.Get, "/v1/strata/cluster"), cancellation);
            if (parse.GetValue(format) == "json")
            {
                Console.Out.WriteLine(body);
                return 0;
            }

            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            Console.Out.WriteLine($"cluster {root.GetProperty("cluster_id").GetString()}  membership {root.GetProperty("membership").GetString()}  "
                + $"routing {root.GetProperty("routing").GetString()} (load bound {root.GetProperty("load_bound").GetInt32()})");
            Console.Out.WriteLine("silos:");
            foreach (var s in root.GetProperty("silos").EnumerateArray())
            {
                string models = s.TryGetProperty("models", out var m) ? string.Join(",", m.EnumerateArray().Select(x => x.GetString())) : "-";
                string at = s.TryGetProperty("url", out var u) ? u.GetString()! : "-";
                Console.Out.WriteLine($"  {s.GetProperty("address").GetString(),-28} {s.GetProperty("status").GetString(),-10} {at,-26} {models}");
            }

            Console.Out.WriteLine("models:");
            foreach (var model in root.GetProperty("models").EnumerateArray())
            {
                Console.Out.WriteLine($"  {model.GetProperty("name").GetString()}");
                foreach (var r in model.GetProperty("replicas").EnumerateArray())
                {
                    long lookups = r.GetProperty("prefix_cache_lookup_blocks").GetInt64(), hits = r.GetProperty("prefix_cache_hit_blocks").GetInt64();
                    Console.Out.WriteLine($"    {r.GetProperty("url").GetString(),-26} running {r.GetProperty("running").GetInt32()}/{r.GetProperty("max_running").GetInt32()}"
                        + $"  waiting {r.GetProperty("waiting").GetInt32()}  kv {r.GetProperty("kv_blocks_used").GetInt32()}/{r.GetProperty("kv_blocks_total").GetInt32()}"
                        + $"  cache hits {hits}/{lookups} blocks  routed {(r.TryGetProperty("routed", out var n) ? n.GetInt64() : 0)}");
                }
            }

            return 0;
        });
        return command;
    }
}

// `strata cluster rollout show|canary|promote|rollback`: a model's versions and their share of traffic.
using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Strata.Cli;

/// <summary>Builds the rollout commands; each prints the rollout as it stands after the change.</summary>
internal static class ClusterRollout
{
    public static Command Create() => new("rollout", "serve a model in several versions (NAME@VERSION): canary weights, promotion and rollback; every change is a rollout event")
    {
        Change("show", "print the model's stable version, canaries and rollout events", action: null),
        Change("canary", "send PERCENT of the model's requests (of one tenant with --tenant) to VERSION", "canary"),
        Change("promote", "make VERSION the model's stable version (for every tenant), ending the default canaries", "promote"),
        Change("rollback", "end the canaries (of one tenant with --tenant; of one version with --version): their share goes back to the stable version", "rollback"),
    };

    private static Command Change(string name, string description, string? action)
    {
        var url = new Option<string>("--url") { Description = "any node's HTTP address", Required = true };
        var model = new Option<string>("--model") { Description = "the model name clients use (without @VERSION)", Required = true };
        var version = new Option<string?>("--version") { Description = "the version's served name, MODEL@VERSION", Required = action is "canary" or "promote" };
        var percent = new Option<int>("--percent") { Description = "the canary's share of requests, 0 to 100", Required = action == "canary" };
        var tenant = new Option<string?>("--tenant") { Description = "the tenant this canary is for (default: every tenant without its own)" };
        var keyVariable = new Option<string?>("--api-key-env") { Description = "environment variable holding one of the cluster's admin keys" };
        var format = new Option<string>("--format") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command(name, description) { url, model, keyVariable, format };
        if (action is not null)
        {
            command.Options.Add(version);
            if (action == "canary")
            {
                command.Options.Add(percent);
            }

            if (action != "promote")
            {
                command.Options.Add(tenant);
            }
        }

        command.SetAction(async (parse, cancellation) =>
        {
            using var client = ClusterCommand.Connect(parse.GetValue(url)!, parse.GetValue(keyVariable));
            string path = "/v1/strata/cluster/rollouts/" + Uri.EscapeDataString(parse.GetValue(model)!);
            var request = new HttpRequestMessage(action is null ? HttpMethod.Get : HttpMethod.Post, path);
            if (action is not null)
            {
                var change = new Dictionary<string, object?>
                {
                    ["action"] = action,
                    ["version"] = parse.GetValue(version),
                    ["percent"] = parse.GetValue(percent),
                    ["tenant"] = parse.GetValue(tenant),
                };
                request.Content = new StringContent(JsonSerializer.Serialize(change), Encoding.UTF8, "application/json");
            }

            string body = await ClusterCommand.Ask(client, request, cancellation);
            if (parse.GetValue(format) == "json")
            {
                Console.Out.WriteLine(body);
                return 0;
            }

            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            string stable = root.TryGetProperty("stable", out var s) ? s.GetString()! : "(none)";
            Console.Out.WriteLine($"model {root.GetProperty("model").GetString()}  stable {stable}");
            foreach (var c in root.GetProperty("canaries").EnumerateArray())
            {
                string scope = c.TryGetProperty("tenant", out var t) ? "tenant " + t.GetString() : "every tenant";
                Console.Out.WriteLine($"  canary {c.GetProperty("version").GetString()} {c.GetProperty("percent").GetInt32()}% ({scope})");
            }

            foreach (var e in root.GetProperty("events").EnumerateArray())
            {
                Console.Out.WriteLine($"  {e.GetProperty("at").GetString()}  {e.GetProperty("action").GetString(),-8} "
                    + $"{(e.TryGetProperty("version", out var v) ? v.GetString() : "-")} {e.GetProperty("percent").GetInt32()}%  by {e.GetProperty("actor").GetString()}");
            }

            return 0;
        });
        return command;
    }
}

// `strata serve`: an OpenAI-compatible server over one or more models, until Ctrl+C.
using System.CommandLine;
using Strata.Serving;

namespace Strata.Cli;

/// <summary>Builds the serve command.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string[]>("--model", "-m")
        {
            Description = "model to serve, as [NAME=]PATH or [NAME=]owner/repo[:file] of a cached model (repeatable); NAME defaults to the file name without extension; an ONNX encoder (.onnx, vocab.txt beside it) is served on /v1/embeddings "
                + DefaultModel.Help("neither --model nor the config names a model"),
            AllowMultipleArgumentsPerToken = false,
        };
        var host = new Option<string?>("--host")
        {
            Description = "IP address (or localhost) to listen on (default 127.0.0.1); beyond loopback without API keys needs --allow-unauthenticated",
        };
        var port = new Option<int?>("--port") { Description = "port to listen on (default 8080; 0 = any free port)" };
        var urls = new Option<string?>("--urls")
        {
            Description = "URLs to listen on, separated by ';' (as ASPNETCORE_URLS, which is read when neither this nor --host/--port is given)",
        };
        var allowUnauthenticated = new Option<bool>("--allow-unauthenticated")
        {
            Description = "allow listening beyond loopback with no API keys configured (anyone who reaches the port may use the server)",
        };
        var config = new Option<string[]>("--config")
        {
            Description = "config file (JSON): tenants, keys, limits, queue, KV budget, models; repeatable, a later file overrides "
                + "an earlier one (e.g. keys in a secrets file); environment variables STRATA__FIELD override both",
            AllowMultipleArgumentsPerToken = false,
        };
        var threads = new Option<int?>("--threads", "-t") { Description = "kernel worker threads (default: config, else all cores)" };
        var context = new Option<int?>("--ctx") { Description = "context per sequence (default: config, else the model's, at most 4096)" };
        var numerics = new Option<string?>("--numerics") { Description = "fast (default: 8-bit activations against quantized weights, as llama.cpp) or exact (f32 activations)" };
        numerics.AcceptOnlyFromAmong("exact", "fast");
        var agentProfile = new Option<string?>("--agent-profile")
        {
            Description = "serve governed agent tasks (POST /v1/strata/tasks, approvals) under the tenants and keys, run with this profile "
                + "(JSON: policy, routes, file_tools, mcp_servers; relative paths are relative to the file)",
        };
        var agentStore = new Option<string?>("--agent-store") { Description = $"the agent tasks' store: {AgentStore.Help} (default {AgentStore.DefaultPath}; needs --agent-profile)" };
        var kvType = CommonOptions.KvType();
        var mmap = CommonOptions.Mmap();
        var cluster = new ClusterOptions();
        var command = new Command("serve", "serve models over an OpenAI-compatible HTTP API with continuous batching")
        {
            model, host, port, urls, allowUnauthenticated, config, threads, context, numerics, kvType, mmap, agentProfile, agentStore,
        };
        cluster.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            var cfg = ServerConfig.Load(parse.GetValue(config) ?? []);
            cfg = Override(cfg, parse.GetValue(threads), parse.GetValue(context), parse.GetValue(numerics), parse.GetValue(kvType));
            cfg = cfg with { AllowUnauthenticated = cfg.AllowUnauthenticated || parse.GetValue(allowUnauthenticated) };
            cfg = parse.GetValue(mmap) ? cfg with { Mmap = true } : cfg;
            cfg = cluster.Apply(parse, cfg);
            var models = new List<ModelConfig>();
            foreach (string spec in parse.GetValue(model) ?? [])
            {
                int eq = spec.IndexOf('=', StringComparison.Ordinal);
                string file = DefaultModel.Resolve(eq > 0 ? spec[(eq + 1)..] : spec);
                string name = eq > 0 ? spec[..eq] : Path.GetFileNameWithoutExtension(file);
                models.Add(new ModelConfig { Name = name, Path = file });
            }

            if (models.Count == 0 && cfg.Models.Count == 0)
            {
                models.Add(new ModelConfig { Name = Path.GetFileNameWithoutExtension(DefaultModel.FileName), Path = DefaultModel.Resolve(null) });
            }

            var listen = ListenOn(parse.GetValue(host), parse.GetValue(port), parse.GetValue(urls), cfg);
            // Declared first, so disposed last: the server's task runner has stopped before the store closes.
            await using var agents = await AgentServe.OpenAsync(parse.GetValue(agentProfile), parse.GetValue(agentStore), cancellation);
            var extension = cfg.Cluster.Enabled ? Strata.Cluster.ClusterExtension.Create(cfg.Cluster, [.. models, .. cfg.Models], agents?.Extension) : agents?.Extension;

            // Embedding models (.onnx) open through the one opener in Strata.OnnxRuntime; Serving itself carries no ONNX Runtime.
            extension = (extension ?? new ServerExtension()) with { OpenEmbedder = Strata.OnnxRuntime.EmbeddingModels.Open };
            await using var server = await StrataServer.StartAsync(models, listen, cfg, extension, cancellation);
            foreach (var (name, file) in server.Models)
            {
                Console.Error.WriteLine($"serving '{name}' from {file}");
            }

            if (agents is not null)
            {
                Console.Error.WriteLine($"agent tasks from {parse.GetValue(agentProfile)} in {agents.StorePath} (POST /v1/strata/tasks)");
            }

            if (cfg.Cluster.Enabled)
            {
                foreach (var placed in cfg.Models.Where(m => m.Replicas > 0))
                {
                    Console.Error.WriteLine($"'{placed.Name}' from {placed.Path}: {placed.Replicas} replicas, placed by the cluster");
                }

                Console.Error.WriteLine($"node of cluster '{cfg.Cluster.ClusterId}' (silo port {cfg.Cluster.SiloPort}, {Strata.Cluster.MembershipSpec.Parse(cfg.Cluster.Membership)}, "
                    + $"routing {cfg.Cluster.Routing})");
            }

            Console.Error.WriteLine($"listening on {string.Join(", ", server.Urls)} (Ctrl+C to stop)");
            try
            {
                // The host's own console lifetime takes SIGTERM and SIGINT (and keeps the runtime from ending the process
                // on them), so waiting only for the command line's token left a stopped-looking server running forever.
                await server.WaitForShutdownAsync(cancellation);
            }
            catch (OperationCanceledException)
            {
            }

            Console.Error.WriteLine("stopping");

            return 0;
        });
        return command;
    }

    // --host/--port first, then --urls, then ASP.NET Core's ASPNETCORE_URLS, then 127.0.0.1:8080; every URL is checked.
    private static IReadOnlyList<string> ListenOn(string? host, int? port, string? urls, ServerConfig config)
    {
        bool keyed = config.Tenants.Count > 0;
        if (host is not null || port is not null)
        {
            if (urls is not null)
            {
                throw new ArgumentException("give either --host/--port or --urls, not both");
            }

            string url = ListenUrls.FromHostPort(host ?? "127.0.0.1", port ?? 8080);
            ListenUrls.Check([url], "--host", keyed, config.AllowUnauthenticated);
            return [url];
        }

        if (urls is not null)
        {
            return ListenUrls.Parse(urls, "--urls", keyed, config.AllowUnauthenticated);
        }

        string? environment = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        return string.IsNullOrWhiteSpace(environment)
            ? [ListenUrls.Default]
            : ListenUrls.Parse(environment, "ASPNETCORE_URLS", keyed, config.AllowUnauthenticated);
    }

    private static ServerConfig Override(ServerConfig c, int? threads, int? context, string? numerics, string? kvType) => c with
    {
        Context = context ?? c.Context,
        Threads = threads ?? c.Threads,
        Numerics = numerics ?? c.Numerics,
        KvType = kvType ?? c.KvType,
    };
}

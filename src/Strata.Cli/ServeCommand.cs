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
            Description = "model to serve, as [NAME=]PATH (repeatable); NAME defaults to the file name without extension",
            AllowMultipleArgumentsPerToken = false,
        };
        var host = new Option<string>("--host") { Description = "address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "port to listen on (0 = any free port)", DefaultValueFactory = _ => 8080 };
        var config = new Option<string?>("--config") { Description = "config file (JSON): tenants, keys, limits, queue, KV budget, models" };
        var threads = new Option<int?>("--threads", "-t") { Description = "kernel worker threads (default: config, else all cores)" };
        var context = new Option<int?>("--ctx") { Description = "context per sequence (default: config, else the model's, at most 4096)" };
        var numerics = new Option<string?>("--numerics") { Description = "exact (default) or fast (8-bit activations)" };
        numerics.AcceptOnlyFromAmong("exact", "fast");
        var kvType = CommonOptions.KvType();
        var mmap = CommonOptions.Mmap();
        var command = new Command("serve", "serve models over an OpenAI-compatible HTTP API with continuous batching")
        {
            model, host, port, config, threads, context, numerics, kvType, mmap,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var cfg = parse.GetValue(config) is { } path ? ServerConfig.Load(path) : new ServerConfig();
            cfg = Override(cfg, parse.GetValue(threads), parse.GetValue(context), parse.GetValue(numerics), parse.GetValue(kvType));
            cfg = parse.GetValue(mmap) ? cfg with { Mmap = true } : cfg;
            var models = new List<ModelConfig>();
            foreach (string spec in parse.GetValue(model) ?? [])
            {
                int eq = spec.IndexOf('=', StringComparison.Ordinal);
                string file = eq > 0 ? spec[(eq + 1)..] : spec;
                string name = eq > 0 ? spec[..eq] : Path.GetFileNameWithoutExtension(file);
                models.Add(new ModelConfig { Name = name, Path = file });
            }

            await using var server = await StrataServer.StartAsync(models, parse.GetValue(host)!, parse.GetValue(port), cfg, cancellation);
            foreach (var (name, file) in server.Models)
            {
                Console.Error.WriteLine($"serving '{name}' from {file}");
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

    private static ServerConfig Override(ServerConfig c, int? threads, int? context, string? numerics, string? kvType) => c with
    {
        Context = context ?? c.Context,
        Threads = threads ?? c.Threads,
        Numerics = numerics ?? c.Numerics,
        KvType = kvType ?? c.KvType,
    };
}

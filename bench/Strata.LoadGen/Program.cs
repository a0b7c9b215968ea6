// Entry point of the load generator: parses the options, runs each concurrency level and prints the table.
using System.Net;

namespace Strata.LoadGen;

/// <summary>
/// Drives an OpenAI-compatible server on loopback with concurrent streaming completions, one level per
/// <c>--concurrency</c> value, and reports status counts, throughput, TTFT/ITL percentiles, side-probe latency and
/// whether the deterministic outputs stayed identical. Exit 0: no 5xx and no transport errors; 1: some; 2: bad arguments.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 1 && args[0] is "--help" or "-h")
        {
            Console.WriteLine(LoadGenOptions.Usage);
            return 0;
        }

        LoadGenOptions? options = LoadGenOptions.TryParse(args, out string? error);
        if (options is null)
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine(LoadGenOptions.Usage);
            return 2;
        }

        try
        {
            return await RunAsync(options).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The tool must report a failure and exit, never die with an unhandled exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"error: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(LoadGenOptions options)
    {
        using var abort = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C cancels the open requests and ends the run with what was measured.
            e.Cancel = true;
            abort.Cancel();
        };

        int maxConcurrency = options.Concurrency.Max();
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1024, maxConcurrency * 2),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        using var probeHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 4, ConnectTimeout = TimeSpan.FromSeconds(5), UseProxy = false };
        using var probeClient = new HttpClient(probeHandler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(5) };

        var prompts = new PromptSet(options);
        var runner = new LevelRunner(new StreamingRequest(client, options, prompts), probeClient, options);
        var identity = new IdentityChecker();
        var summaries = new List<LevelSummary>();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;

        Console.WriteLine($"Strata.LoadGen -> {options.EndpointUri} label={options.Label} levels={string.Join(',', options.Concurrency)} "
            + $"max_tokens={options.MaxTokens} prompts={options.Prompts}x~{options.PromptWords} words cap={options.TimeoutSeconds} s "
            + $"probe={(options.ProbePaths.Count == 0 ? "none" : string.Join(',', options.ProbePaths))} "
            + $"connection={(options.CloseConnections ? "close" : "keep-alive")}"
            + (options.ExtraJson is null ? string.Empty : $" extra={options.ExtraJson.ToJsonString()}"));

        await HealthProbe.WarmAsync(probeClient, options.Origin, options.ProbePaths, abort.Token).ConfigureAwait(false);
        for (int i = 0; i < options.Concurrency.Count && !abort.IsCancellationRequested; i++)
        {
            LevelResult level = await runner.RunAsync(options.Concurrency[i], abort.Token).ConfigureAwait(false);
            var summary = new LevelSummary(options.Label, level, identity.Check(i, level.Requests));
            summaries.Add(summary);
            foreach (string line in summary.Details(i + 1, options.Concurrency.Count))
            {
                Console.WriteLine(line);
            }

            if (!options.CloseConnections && level.Requests.Any(r => r.Outcome == RequestOutcome.TransportError
                && r.Error?.Contains("(ResponseEnded)", StringComparison.Ordinal) == true))
            {
                Console.WriteLine("  hint: a response ended before its headers; if the server closes keep-alive connections after a "
                    + "streamed response (older llama-server builds do), rerun with --connection close");
            }
        }

        Console.WriteLine();
        Console.WriteLine(LevelSummary.TableHeader);
        Console.WriteLine(LevelSummary.TableRule);
        foreach (LevelSummary s in summaries)
        {
            Console.WriteLine(s.TableRow);
        }

        if (options.MarkdownPath is not null)
        {
            await File.WriteAllTextAsync(options.MarkdownPath, MarkdownReport.Build(options, summaries, startedAt), CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine($"markdown written to {options.MarkdownPath}");
        }

        bool failed = summaries.Any(s => s.Status5xx > 0 || s.Errors > 0) || abort.IsCancellationRequested;
        return failed ? 1 : 0;
    }
}

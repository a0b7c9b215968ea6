// Command-line options of the load generator, parsed by hand from --name value pairs.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.LoadGen;

/// <summary>Settings of one load-generator run.</summary>
internal sealed class LoadGenOptions
{
    public const string Usage =
        """
        usage: Strata.LoadGen --url http://127.0.0.1:8080 [options]
          --url URL                 server base URL; host must be 127.0.0.1, ::1 or localhost
          --concurrency 1,16,32     client counts, one level each (default 1,16,32)
          --requests-per-level N    requests per level (default 2 x concurrency, at least 4)
          --max-tokens M            max_tokens of every request (default 64)
          --prompt-words W          approximate words per prompt (default 48)
          --prompts P               distinct prompts; request i uses prompt i mod P (default 8)
          --model NAME              "model" field of the body (default: omitted)
          --api-key KEY             sends Authorization: Bearer KEY
          --endpoint completions|chat   /v1/completions or /v1/chat/completions (default completions)
          --timeout-s S             cap of a whole level in seconds; open requests are cancelled (default 120)
          --extra-json JSON         object merged into every request body, e.g. '{"ignore_eos":true}'
          --probe PATHS             comma-separated GET paths probed every 50 ms during a level
                                    (default /health/live,/metrics; "none" disables); each path is
                                    fetched once, untimed, before the first level
          --markdown FILE           also write the result table as markdown to FILE
          --label TEXT              label of the rows (default: host:port)
          --connection keep-alive|close   reuse pooled connections (default) or send Connection: close and open a
                                    fresh connection per request (for servers that drop keep-alive connections
                                    after a streamed response without saying so, as older llama-server builds do)
        exit status: 0 when no 5xx and no transport errors/timeouts, 1 otherwise, 2 on bad arguments.
        """;

    public required Uri BaseUri { get; init; }

    public IReadOnlyList<int> Concurrency { get; init; } = [1, 16, 32];

    public int? RequestsPerLevel { get; init; }

    public int MaxTokens { get; init; } = 64;

    public int PromptWords { get; init; } = 48;

    public int Prompts { get; init; } = 8;

    public string? Model { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>True for /v1/chat/completions, false for /v1/completions.</summary>
    public bool Chat { get; init; }

    public double TimeoutSeconds { get; init; } = 120;

    public JsonObject? ExtraJson { get; init; }

    public IReadOnlyList<string> ProbePaths { get; init; } = ["/health/live", "/metrics"];

    public string? MarkdownPath { get; init; }

    public required string Label { get; init; }

    /// <summary>True to send Connection: close on every completion request (a fresh connection per request).</summary>
    public bool CloseConnections { get; init; }

    /// <summary>scheme://host:port of the server, the base of the probe paths.</summary>
    public Uri Origin => new(BaseUri.GetLeftPart(UriPartial.Authority) + "/");

    /// <summary>The completion endpoint: the URL's path (if any) plus /v1/completions or /v1/chat/completions.</summary>
    public Uri EndpointUri
    {
        get
        {
            string prefix = BaseUri.AbsolutePath.TrimEnd('/');
            if (!prefix.EndsWith("/v1", StringComparison.Ordinal))
            {
                prefix += "/v1";
            }

            return new Uri(Origin, prefix + (Chat ? "/chat/completions" : "/completions"));
        }
    }

    public int RequestsFor(int concurrency) => RequestsPerLevel ?? Math.Max(4, 2 * concurrency);

    /// <summary>Parses <paramref name="args"/>; on failure returns null and sets <paramref name="error"/>.</summary>
    public static LoadGenOptions? TryParse(string[] args, out string? error)
    {
        error = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known =
        [
            "--url", "--concurrency", "--requests-per-level", "--max-tokens", "--prompt-words", "--prompts", "--model",
            "--api-key", "--endpoint", "--timeout-s", "--extra-json", "--probe", "--markdown", "--label", "--connection",
        ];
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (Array.IndexOf(known, name) < 0)
            {
                error = $"unknown option '{name}'";
                return null;
            }

            if (i + 1 >= args.Length)
            {
                error = $"option {name} needs a value";
                return null;
            }

            if (!values.TryAdd(name, args[++i]))
            {
                error = $"option {name} given twice";
                return null;
            }
        }

        if (!values.TryGetValue("--url", out string? url))
        {
            error = "--url is required";
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"--url '{url}' is not an absolute http(s) URL";
            return null;
        }

        string host = baseUri.Host.Trim('[', ']');
        if (host != "127.0.0.1" && host != "::1" && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            error = $"--url host '{baseUri.Host}' refused: only 127.0.0.1, ::1 or localhost (loopback) may be driven";
            return null;
        }

        if (!string.IsNullOrEmpty(baseUri.Query) || !string.IsNullOrEmpty(baseUri.Fragment))
        {
            error = "--url must not carry a query or fragment";
            return null;
        }

        IReadOnlyList<int> concurrency = [1, 16, 32];
        if (values.TryGetValue("--concurrency", out string? c))
        {
            var levels = new List<int>();
            foreach (string part in c.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryPositive(part, 4096, out int n))
                {
                    error = $"--concurrency: '{part}' is not an integer in 1..4096";
                    return null;
                }

                levels.Add(n);
            }

            if (levels.Count == 0)
            {
                error = "--concurrency needs at least one level";
                return null;
            }

            concurrency = levels;
        }

        if (!TryInt(values, "--requests-per-level", 1_000_000, null, out int? requests, ref error)
            || !TryInt(values, "--max-tokens", 1_000_000, 64, out int? maxTokens, ref error)
            || !TryInt(values, "--prompt-words", 100_000, 48, out int? promptWords, ref error)
            || !TryInt(values, "--prompts", 1_000_000, 8, out int? prompts, ref error))
        {
            return null;
        }

        bool chat = false;
        if (values.TryGetValue("--endpoint", out string? endpoint))
        {
            if (endpoint is not ("completions" or "chat"))
            {
                error = $"--endpoint must be 'completions' or 'chat', not '{endpoint}'";
                return null;
            }

            chat = endpoint == "chat";
        }

        double timeout = 120;
        if (values.TryGetValue("--timeout-s", out string? t)
            && (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out timeout) || !(timeout > 0) || timeout > 86_400))
        {
            error = $"--timeout-s: '{t}' is not a number of seconds in (0, 86400]";
            return null;
        }

        JsonObject? extra = null;
        if (values.TryGetValue("--extra-json", out string? extraText))
        {
            try
            {
                extra = JsonNode.Parse(extraText) as JsonObject;
            }
            catch (JsonException ex)
            {
                error = $"--extra-json is not valid JSON: {ex.Message}";
                return null;
            }

            if (extra is null)
            {
                error = "--extra-json must be a JSON object, e.g. '{\"ignore_eos\":true}'";
                return null;
            }
        }

        IReadOnlyList<string> probe = ["/health/live", "/metrics"];
        if (values.TryGetValue("--probe", out string? probeText))
        {
            if (probeText.Trim() is "none" or "")
            {
                probe = [];
            }
            else
            {
                string[] paths = probeText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                foreach (string p in paths)
                {
                    if (!p.StartsWith('/') || p.StartsWith("//", StringComparison.Ordinal) || p.Contains(' ', StringComparison.Ordinal))
                    {
                        error = $"--probe: '{p}' is not an absolute path like /metrics";
                        return null;
                    }
                }

                probe = paths;
            }
        }

        bool close = false;
        if (values.TryGetValue("--connection", out string? connection))
        {
            if (connection is not ("keep-alive" or "close"))
            {
                error = $"--connection must be 'keep-alive' or 'close', not '{connection}'";
                return null;
            }

            close = connection == "close";
        }

        string? model = values.GetValueOrDefault("--model");
        string? apiKey = values.GetValueOrDefault("--api-key");
        if (model is { Length: 0 } || apiKey is { Length: 0 })
        {
            error = "--model and --api-key must not be empty";
            return null;
        }

        return new LoadGenOptions
        {
            BaseUri = baseUri,
            Concurrency = concurrency,
            RequestsPerLevel = requests,
            MaxTokens = maxTokens!.Value,
            PromptWords = promptWords!.Value,
            Prompts = prompts!.Value,
            Model = model,
            ApiKey = apiKey,
            Chat = chat,
            TimeoutSeconds = timeout,
            ExtraJson = extra,
            ProbePaths = probe,
            MarkdownPath = values.GetValueOrDefault("--markdown"),
            Label = values.GetValueOrDefault("--label") ?? baseUri.Authority,
            CloseConnections = close,
        };
    }

    private static bool TryInt(Dictionary<string, string> values, string name, int max, int? fallback, out int? value, ref string? error)
    {
        value = fallback;
        if (!values.TryGetValue(name, out string? text))
        {
            return true;
        }

        if (!TryPositive(text, max, out int n))
        {
            error = $"{name}: '{text}' is not an integer in 1..{max}";
            return false;
        }

        value = n;
        return true;
    }

    private static bool TryPositive(string text, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max;
}

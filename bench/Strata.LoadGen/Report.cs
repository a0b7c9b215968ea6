// Per-level summaries: status counts, throughput, nearest-rank percentiles, the output-identity check, and the table.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Strata.LoadGen;

/// <summary>Nearest-rank percentiles.</summary>
internal static class Percentile
{
    /// <summary>The nearest-rank <paramref name="p"/>-th percentile (0..100) of <paramref name="sorted"/>; NaN when empty.</summary>
    public static double Of(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double[] Sorted(IEnumerable<double> values)
    {
        double[] a = values.Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(a);
        return a;
    }
}

/// <summary>Compares every successful request's text with the reference text of its prompt (from the first level that produced it).</summary>
internal sealed class IdentityChecker
{
    private readonly Dictionary<int, (string Text, int Level, int Request)> _references = [];

    /// <summary>Checks one level's successful requests in index order, recording new references as they appear.</summary>
    public IdentityResult Check(int level, IReadOnlyList<RequestResult> requests)
    {
        int compared = 0, mismatches = 0, newReferences = 0;
        string? example = null;
        foreach (RequestResult r in requests.Where(r => r.Outcome == RequestOutcome.Ok).OrderBy(r => r.Index))
        {
            if (!_references.TryGetValue(r.Prompt, out var reference))
            {
                _references[r.Prompt] = (r.Text, level, r.Index);
                newReferences++;
                continue;
            }

            compared++;
            if (r.Text != reference.Text)
            {
                mismatches++;
                example ??= $"prompt {r.Prompt}: request {r.Index} vs level {reference.Level + 1} request {reference.Request}: "
                    + DiffPrefix(reference.Text, r.Text);
            }
        }

        return new IdentityResult(compared, mismatches, newReferences, example);
    }

    /// <summary>Where two texts part, with a little common context before it and the two differing continuations.</summary>
    internal static string DiffPrefix(string expected, string actual)
    {
        int i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i])
        {
            i++;
        }

        int from = Math.Max(0, i - 30);
        string common = (from > 0 ? "..." : string.Empty) + expected[from..i];
        static string Tail(string s, int at) => s.Length - at <= 40 ? s[at..] : string.Concat(s.AsSpan(at, 40), "...");
        return $"differs at char {i}: common {Quote(common)}, reference continues {Quote(Tail(expected, i))}, got {Quote(Tail(actual, i))}";
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s);
}

/// <summary>Outcome of the identity check of one level.</summary>
internal sealed record IdentityResult(int Compared, int Mismatches, int NewReferences, string? Example)
{
    public string Cell => Compared == 0 ? "n/a" : Mismatches == 0 ? "yes" : $"NO ({Mismatches})";

    public string Line => Compared == 0
        ? $"identical: n/a (no earlier text of these prompts; {NewReferences} new references)"
        : Mismatches == 0
        ? $"identical: yes ({Compared} compared, {NewReferences} new references)"
        : $"identical: NO ({Mismatches} mismatches of {Compared} compared, {NewReferences} new references)";
}

/// <summary>The numbers of one level, as printed in the table and the details.</summary>
internal sealed class LevelSummary
{
    public LevelSummary(string label, LevelResult level, IdentityResult identity)
    {
        Label = label;
        Level = level;
        Identity = identity;
        IReadOnlyList<RequestResult> rs = level.Requests;
        Ok = rs.Count(r => r.Outcome == RequestOutcome.Ok);
        Status429 = rs.Count(r => r.Outcome == RequestOutcome.HttpError && r.Status == 429);
        Status4xx = rs.Count(r => r.Outcome == RequestOutcome.HttpError && r.Status is >= 400 and < 500 and not 429);
        Status5xx = rs.Count(r => r.Outcome == RequestOutcome.HttpError && r.Status >= 500);
        OtherStatus = rs.Count(r => r.Outcome == RequestOutcome.HttpError && r.Status < 400);
        TransportErrors = rs.Count(r => r.Outcome == RequestOutcome.TransportError);
        Timeouts = rs.Count(r => r.Outcome == RequestOutcome.Timeout);
        RequestResult[] ok = rs.Where(r => r.Outcome == RequestOutcome.Ok).ToArray();
        CompletionTokens = ok.Sum(r => (long)r.CompletionTokens);
        double wall = Math.Max(level.WallSeconds, 1e-9);
        TokensPerSecond = CompletionTokens / wall;
        RequestsPerSecond = ok.Length / wall;
        Ttft = Percentile.Sorted(ok.Select(r => r.TtftMs));
        Itl = Percentile.Sorted(ok.SelectMany(r => r.ItlMs));
        ProbeMaxMs = level.Probes.Select(p => p.LatencyMs.Count == 0 ? double.NaN : p.LatencyMs.Max()).DefaultIfEmpty(double.NaN).Max();
    }

    public string Label { get; }

    public LevelResult Level { get; }

    public IdentityResult Identity { get; }

    public int Ok { get; }

    public int Status429 { get; }

    public int Status4xx { get; }

    public int Status5xx { get; }

    /// <summary>Non-200 statuses below 400 (redirects and the like): counted with the errors.</summary>
    public int OtherStatus { get; }

    public int TransportErrors { get; }

    public int Timeouts { get; }

    /// <summary>The "errors" column: transport errors, timeouts and unexpected non-error statuses.</summary>
    public int Errors => TransportErrors + Timeouts + OtherStatus;

    public long CompletionTokens { get; }

    public double TokensPerSecond { get; }

    public double RequestsPerSecond { get; }

    public double[] Ttft { get; }

    public double[] Itl { get; }

    public double ProbeMaxMs { get; }

    public static readonly string TableHeader =
        "| label | clients | requests | 200 | 429 | 4xx | 5xx | errors | tok/s | req/s | TTFT p50/p99 ms | ITL p50/p99 ms | probe max ms | identical |";

    public static readonly string TableRule =
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|";

    public string TableRow =>
        $"| {Label.Replace("|", "/", StringComparison.Ordinal)} | {Level.Concurrency} | {Level.Requests.Count} | {Ok} | {Status429} | {Status4xx} | {Status5xx} | {Errors} | "
        + $"{TokensPerSecond:F1} | {RequestsPerSecond:F2} | {Ms(Percentile.Of(Ttft, 50))}/{Ms(Percentile.Of(Ttft, 99))} | "
        + $"{Ms(Percentile.Of(Itl, 50))}/{Ms(Percentile.Of(Itl, 99))} | {Ms(ProbeMaxMs)} | {Identity.Cell} |";

    /// <summary>The detail lines printed after a level finishes.</summary>
    public IEnumerable<string> Details(int levelNumber, int levelCount)
    {
        IReadOnlyList<RequestResult> rs = Level.Requests;
        yield return $"level {levelNumber}/{levelCount}: clients={Level.Concurrency} sent={rs.Count}/{Level.Planned} wall={Level.WallSeconds:F2} s";
        string statuses = string.Join(", ", rs.GroupBy(StatusKey).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}"));
        yield return $"  outcomes: {(statuses.Length == 0 ? "none" : statuses)}";
        foreach (IGrouping<string, RequestResult> g in rs.Where(r => r.Outcome != RequestOutcome.Ok && r.Error is not null).GroupBy(StatusKey).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return $"  first {g.Key} message: {g.OrderBy(r => r.Index).First().Error}";
        }

        RequestResult[] ok = rs.Where(r => r.Outcome == RequestOutcome.Ok).ToArray();
        string finishes = string.Join(", ", ok.GroupBy(r => r.FinishReason ?? "(none)").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}"));
        yield return $"  tokens: {CompletionTokens} completion ({ok.Count(r => r.UsageReported)}/{ok.Length} with usage), finish_reason: {(finishes.Length == 0 ? "-" : finishes)}";
        yield return $"  TTFT ms p50/p99/max {Ms(Percentile.Of(Ttft, 50))}/{Ms(Percentile.Of(Ttft, 99))}/{Ms(Percentile.Of(Ttft, 100))}; "
            + $"ITL ms p50/p99/max {Ms(Percentile.Of(Itl, 50))}/{Ms(Percentile.Of(Itl, 99))}/{Ms(Percentile.Of(Itl, 100))} ({Itl.Length} gaps); "
            + $"{TokensPerSecond:F1} tok/s, {RequestsPerSecond:F2} req/s";
        foreach (ProbeStats p in Level.Probes)
        {
            double[] lat = Percentile.Sorted(p.LatencyMs);
            string failures = p.Failures.Count == 0 ? "all 200" : string.Join(", ", p.Failures.Select(kv => $"{kv.Key} x{kv.Value}"));
            yield return $"  probe {p.Path}: n={lat.Length} p99={Ms(Percentile.Of(lat, 99))} max={Ms(Percentile.Of(lat, 100))} ms, {failures}";
        }

        yield return "  " + Identity.Line;
        if (Identity.Example is not null)
        {
            yield return "  example: " + Identity.Example;
        }
    }

    private static string StatusKey(RequestResult r) => r.Outcome switch
    {
        RequestOutcome.Ok => "200",
        RequestOutcome.HttpError => r.Status.ToString(CultureInfo.InvariantCulture),
        RequestOutcome.Timeout => "timeout",
        _ => r.Status == 200 ? "200-stream-error" : "transport-error",
    };

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString(ms >= 1000 ? "F0" : "F1", CultureInfo.InvariantCulture);
}

/// <summary>Writes the markdown file.</summary>
internal static class MarkdownReport
{
    public static string Build(LoadGenOptions options, IReadOnlyList<LevelSummary> levels, DateTimeOffset startedAt)
    {
        var sb = new StringBuilder();
        sb.Append("## Strata.LoadGen: ").AppendLine(options.Label).AppendLine();
        sb.Append("- started: ").AppendLine(startedAt.ToString("u", CultureInfo.InvariantCulture));
        sb.Append("- endpoint: `").Append(options.EndpointUri).Append("` max_tokens=").Append(options.MaxTokens)
            .Append(" prompts=").Append(options.Prompts).Append(" prompt_words=").Append(options.PromptWords)
            .Append(" level cap=").Append(options.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)).AppendLine(" s");
        if (options.ExtraJson is not null)
        {
            sb.Append("- extra body: `").Append(options.ExtraJson.ToJsonString()).AppendLine("`");
        }

        sb.AppendLine().AppendLine(LevelSummary.TableHeader).AppendLine(LevelSummary.TableRule);
        foreach (LevelSummary level in levels)
        {
            sb.AppendLine(level.TableRow);
        }

        sb.AppendLine().AppendLine("```");
        for (int i = 0; i < levels.Count; i++)
        {
            foreach (string line in levels[i].Details(i + 1, levels.Count))
            {
                sb.AppendLine(line);
            }
        }

        sb.AppendLine("```");
        return sb.ToString();
    }
}

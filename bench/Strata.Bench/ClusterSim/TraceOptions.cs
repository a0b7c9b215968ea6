// The shape of a simulated request trace: tenants and their shared prefixes, prompt and output lengths, arrivals.
namespace Strata.Bench.ClusterSim;

/// <summary>
/// What <see cref="TraceGenerator"/> draws from. Lengths are in tokens; prompt text is rendered at
/// <see cref="CharsPerToken"/> characters per token, so a 64-character routing block is one 16-token KV block.
/// </summary>
internal sealed record TraceOptions
{
    /// <summary>Characters of simulated prompt text per token.</summary>
    public const int CharsPerToken = 4;

    /// <summary>Requests in the trace.</summary>
    public int Requests { get; init; } = 1000;

    /// <summary>Tenants; each has one system prompt and <see cref="DocumentsPerTenant"/> documents.</summary>
    public int Tenants { get; init; } = 8;

    /// <summary>Mean arrival rate of the whole trace, requests per simulated second.</summary>
    public double RatePerSecond { get; init; } = 10;

    /// <summary>Seed of every random draw.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Zipf exponent of tenant popularity (tenant k drawn ∝ 1/(k+1)^s; 0 = uniform).</summary>
    public double TenantZipf { get; init; } = 0.8;

    /// <summary>Shared documents per tenant (drawn ∝ 1/(k+1), Zipf 1).</summary>
    public int DocumentsPerTenant { get; init; } = 4;

    /// <summary>Share of requests that carry a document after the system prompt (the rest: system prompt + question only).</summary>
    public double DocumentShare { get; init; } = 0.85;

    /// <summary>System prompt length, uniform in [min, max].</summary>
    public (int Min, int Max) SystemTokens { get; init; } = (128, 512);

    /// <summary>Document length, uniform in [min, max].</summary>
    public (int Min, int Max) DocumentTokens { get; init; } = (512, 2048);

    /// <summary>The request's own text after the shared prefix, uniform in [min, max].</summary>
    public (int Min, int Max) SuffixTokens { get; init; } = (32, 512);

    /// <summary>Output length: log-normal with this median and σ, cut to [1, <see cref="OutputMaxTokens"/>].</summary>
    public double OutputMedianTokens { get; init; } = 96;

    /// <summary>σ of the log of the output length.</summary>
    public double OutputSigma { get; init; } = 0.8;

    /// <summary>Longest output.</summary>
    public int OutputMaxTokens { get; init; } = 1024;

    /// <summary>Share of requests that arrive in bursts (the rest: a Poisson stream).</summary>
    public double BurstShare { get; init; } = 0.2;

    /// <summary>Requests per burst; all from one tenant (drawn by popularity).</summary>
    public int BurstSize { get; init; } = 16;

    /// <summary>A burst's own arrival rate, as a multiple of <see cref="RatePerSecond"/> (added on top of the stream).</summary>
    public double BurstRateMultiple { get; init; } = 4;

    /// <summary>Expected prompt tokens of a request.</summary>
    public double MeanPromptTokens =>
        Mean(SystemTokens) + (DocumentShare * Mean(DocumentTokens)) + Mean(SuffixTokens);

    /// <summary>Expected output tokens (the log-normal's mean, ignoring the cut).</summary>
    public double MeanOutputTokens => OutputMedianTokens * Math.Exp(OutputSigma * OutputSigma / 2);

    /// <summary>One line of the parameters, for the results file.</summary>
    public string Describe() =>
        $"{Requests} requests, {Tenants} tenants (Zipf {TenantZipf}), {DocumentsPerTenant} documents each (Zipf 1, in {DocumentShare:P0} of requests), "
        + $"system prompt {SystemTokens.Min}–{SystemTokens.Max}, document {DocumentTokens.Min}–{DocumentTokens.Max}, unique suffix {SuffixTokens.Min}–{SuffixTokens.Max} tokens (uniform; "
        + $"mean prompt {MeanPromptTokens:F0}), output log-normal median {OutputMedianTokens} σ {OutputSigma} ≤ {OutputMaxTokens} (mean {MeanOutputTokens:F0}), "
        + $"{RatePerSecond:F1} req/s Poisson with {BurstShare:P0} in one-tenant bursts of {BurstSize} at {BurstRateMultiple}× the rate, seed {Seed}";

    private static double Mean((int Min, int Max) range) => (range.Min + range.Max) / 2.0;
}

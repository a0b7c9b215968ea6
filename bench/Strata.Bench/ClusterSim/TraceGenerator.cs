// Draws a seeded request trace: tenants with long shared prefixes, unique suffixes, Poisson arrivals with one-tenant bursts.
using Strata.Cluster.Routing;

namespace Strata.Bench.ClusterSim;

/// <summary>
/// Generates <see cref="TraceOptions.Requests"/> requests. Each tenant has a system prompt and a few documents of seeded
/// random text; a request's prompt is its tenant's system prompt, usually one of its documents, then a unique suffix,
/// rendered as text at 4 characters per token and hashed with <see cref="PrefixKey.Blocks"/> in 64-character (16-token)
/// blocks. Arrivals: a Poisson stream plus bursts (each from one tenant, at a multiple of the rate, starting uniformly
/// over the trace). The same options give the same trace.
/// </summary>
internal static class TraceGenerator
{
    private const int BlockChars = 16 * TraceOptions.CharsPerToken;
    private const int RouterBlocks = 64;

    public static SimRequest[] Generate(TraceOptions options)
    {
        var random = new Random(options.Seed);
        var tenants = new Tenant[options.Tenants];
        for (int t = 0; t < tenants.Length; t++)
        {
            var documents = new string[options.DocumentsPerTenant];
            for (int d = 0; d < documents.Length; d++)
            {
                documents[d] = Text(random, Uniform(random, options.DocumentTokens));
            }

            tenants[t] = new Tenant($"tenant-{t:D3}", Text(random, Uniform(random, options.SystemTokens)), documents);
        }

        var tenantWeights = Zipf(options.Tenants, options.TenantZipf);
        var documentWeights = Zipf(options.DocumentsPerTenant, 1.0);
        var arrivals = Arrivals(random, options, tenantWeights);
        var requests = new SimRequest[arrivals.Count];
        var buffer = new char[MaxPromptChars(options)];
        for (int i = 0; i < requests.Length; i++)
        {
            var tenant = tenants[arrivals[i].Tenant];
            int length = Append(buffer, 0, tenant.SystemPrompt);
            if (random.NextDouble() < options.DocumentShare)
            {
                length = Append(buffer, length, tenant.Documents[Draw(random, documentWeights)]);
            }

            int suffixChars = Uniform(random, options.SuffixTokens) * TraceOptions.CharsPerToken;
            for (int c = 0; c < suffixChars; c++)
            {
                buffer[length++] = (char)('a' + random.Next(26));
            }

            var blocks = PrefixKey.Blocks(tenant.Name, buffer.AsSpan(0, length), BlockChars, int.MaxValue);
            requests[i] = new SimRequest(i, arrivals[i].Seconds, tenant.Name, length / TraceOptions.CharsPerToken, OutputTokens(random, options),
                blocks, blocks[..Math.Min(RouterBlocks, blocks.Length)]);
        }

        return requests;
    }

    // The stream (rate × (1 − burst share)) and the bursts, merged in time order, with the tenant of each arrival.
    private static List<(double Seconds, int Tenant)> Arrivals(Random random, TraceOptions options, double[] tenantWeights)
    {
        int bursts = (int)Math.Round(options.Requests * options.BurstShare / options.BurstSize);
        int streamed = options.Requests - (bursts * options.BurstSize);
        double duration = options.Requests / options.RatePerSecond;
        var arrivals = new List<(double Seconds, int Tenant)>(options.Requests);
        double now = 0;
        for (int i = 0; i < streamed; i++)
        {
            now += Exponential(random, streamed / duration);
            arrivals.Add((now, Draw(random, tenantWeights)));
        }

        for (int b = 0; b < bursts; b++)
        {
            double at = random.NextDouble() * duration;
            int tenant = Draw(random, tenantWeights);
            for (int i = 0; i < options.BurstSize; i++)
            {
                at += Exponential(random, options.RatePerSecond * options.BurstRateMultiple);
                arrivals.Add((at, tenant));
            }
        }

        arrivals.Sort((a, b) => a.Seconds.CompareTo(b.Seconds));
        return arrivals;
    }

    private static int OutputTokens(Random random, TraceOptions options)
    {
        // Box–Muller: a standard normal from two uniforms.
        double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double tokens = options.OutputMedianTokens * Math.Exp(options.OutputSigma * normal);
        return (int)Math.Clamp(Math.Round(tokens), 1, options.OutputMaxTokens);
    }

    private static string Text(Random random, int tokens)
    {
        var chars = new char[tokens * TraceOptions.CharsPerToken];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + random.Next(26));
        }

        return new string(chars);
    }

    private static int Append(char[] buffer, int at, string text)
    {
        text.CopyTo(0, buffer, at, text.Length);
        return at + text.Length;
    }

    private static int MaxPromptChars(TraceOptions options) =>
        (options.SystemTokens.Max + options.DocumentTokens.Max + options.SuffixTokens.Max) * TraceOptions.CharsPerToken;

    private static int Uniform(Random random, (int Min, int Max) range) => random.Next(range.Min, range.Max + 1);

    private static double Exponential(Random random, double rate) => -Math.Log(1 - random.NextDouble()) / rate;

    // Cumulative weights ∝ 1/(k+1)^s, normalised to end at 1.
    private static double[] Zipf(int count, double exponent)
    {
        var cumulative = new double[count];
        double sum = 0;
        for (int k = 0; k < count; k++)
        {
            sum += 1 / Math.Pow(k + 1, exponent);
            cumulative[k] = sum;
        }

        for (int k = 0; k < count; k++)
        {
            cumulative[k] /= sum;
        }

        return cumulative;
    }

    private static int Draw(Random random, double[] cumulative)
    {
        int index = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    private sealed record Tenant(string Name, string SystemPrompt, string[] Documents);
}

// Where the CLI's model cache and hub are: STRATA_HOME, HF_ENDPOINT and HF_TOKEN read once, here, at the composition root.
using Strata.Engine.Store;

namespace Strata.Cli;

/// <summary>Opens the model cache and the hub client from the environment.</summary>
internal static class ModelStore
{
    /// <summary>The cache at <c>STRATA_HOME</c> (default <c>~/.cache/strata</c>).</summary>
    public static ModelCache OpenCache() => new(ModelCache.DefaultRoot(Environment.GetEnvironmentVariable("STRATA_HOME")));

    /// <summary>The hub at <paramref name="endpoint"/>, else <c>HF_ENDPOINT</c>, else huggingface.co, with <c>HF_TOKEN</c> as its bearer token.</summary>
    /// <exception cref="ArgumentException">The endpoint is not an absolute http(s) URL.</exception>
    public static HubClient OpenHub(HttpClient http, string? endpoint)
    {
        string? text = !string.IsNullOrEmpty(endpoint) ? endpoint : Environment.GetEnvironmentVariable("HF_ENDPOINT");
        Uri uri = HubClient.DefaultEndpoint;
        if (!string.IsNullOrEmpty(text)
            && (!Uri.TryCreate(text, UriKind.Absolute, out uri!) || uri.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"hub endpoint '{text}' (--endpoint or HF_ENDPOINT) is not an absolute http(s) URL");
        }

        return new HubClient(http, uri, Environment.GetEnvironmentVariable("HF_TOKEN"));
    }

    /// <summary>The cached model's path when <paramref name="given"/> is not an existing file but names a cached model; else null.</summary>
    public static string? TryResolveCached(string given)
    {
        if (File.Exists(given) || !ModelReference.TryParse(given, out var reference))
        {
            return null;
        }

        return OpenCache().TryFind(reference, out var manifest) ? manifest.Path : null;
    }
}

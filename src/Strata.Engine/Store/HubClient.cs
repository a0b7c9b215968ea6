// The Hugging Face hub's two routes Strata uses: the repository listing (/api/models/{repo}) and file download (/{repo}/resolve/{rev}/{file}).
using System.Net.Http.Headers;
using System.Text.Json;

namespace Strata.Engine.Store;

/// <summary>Lists hub repositories and pulls verified files into a <see cref="ModelCache"/>.</summary>
public sealed class HubClient
{
    /// <summary>The public hub, used when no endpoint is given.</summary>
    public static readonly Uri DefaultEndpoint = new("https://huggingface.co/");

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string? _token;
    private readonly TimeProvider _time;

    /// <summary>Creates a client over <paramref name="http"/> (which should follow redirects) for the hub at <paramref name="endpoint"/>.</summary>
    /// <param name="http">The HTTP client; its redirect handling drops the token on the way to a CDN.</param>
    /// <param name="endpoint">The hub's base URL (<c>HF_ENDPOINT</c>).</param>
    /// <param name="token">A bearer token (<c>HF_TOKEN</c>) sent to the hub, never logged or stored; null for none.</param>
    /// <param name="time">The clock that stamps <see cref="ModelManifest.PulledAt"/>.</param>
    public HubClient(HttpClient http, Uri endpoint, string? token, TimeProvider? time = null)
    {
        _http = http;
        _endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _token = string.IsNullOrEmpty(token) ? null : token;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How many times a pull tries a download that broke off, resuming each time from the bytes it has.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Lists <paramref name="repo"/> at <paramref name="revision"/> (null: the default branch).</summary>
    /// <exception cref="ModelStoreException">The hub refused or answered something that is not a listing.</exception>
    public async Task<HubListing> GetListingAsync(string repo, string? revision, CancellationToken cancellation)
    {
        string path = revision is null ? $"api/models/{repo}?blobs=true" : $"api/models/{repo}/revision/{Uri.EscapeDataString(revision)}?blobs=true";
        var uri = new Uri(_endpoint, path);
        using var request = Request(uri, rangeFrom: 0);
        using var response = await Send(request, cancellation).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new ModelStoreException($"hub listing {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}"
                + (response.StatusCode == System.Net.HttpStatusCode.Unauthorized ? "; a private or gated repository needs HF_TOKEN" : ""));
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
        try
        {
            return ParseListing(repo, body);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ModelStoreException($"hub listing {uri} is not a model listing ({e.Message})", e);
        }
    }

    /// <summary>Pulls the file <paramref name="reference"/> names (or the one <see cref="HubFileChoice"/> picks) into <paramref name="cache"/>.</summary>
    /// <returns>The cached model; a file already cached with the listed hash is not downloaded again.</returns>
    /// <exception cref="ModelStoreException">The listing or download failed, or the file's SHA-256 is not the listed one (nothing is kept).</exception>
    public async Task<ModelManifest> PullAsync(ModelReference reference, ModelCache cache, IProgress<PullProgress>? progress, CancellationToken cancellation)
    {
        var listing = await GetListingAsync(reference.Repo, reference.Revision, cancellation).ConfigureAwait(false);
        var file = HubFileChoice.Choose(listing, reference.File);
        string sha256 = file.Sha256
            ?? throw new ModelStoreException($"hub lists no SHA-256 (LFS oid) for '{listing.Repo}:{file.Path}'; refusing a file that cannot be verified");
        string target = cache.FilePath(listing.Repo, listing.CommitSha, file.Path);
        if (cache.TryFind(reference with { File = file.Path, Revision = listing.CommitSha }, out var cached) && cached.Sha256 == sha256 && File.Exists(target))
        {
            return cached;
        }

        var uri = new Uri(_endpoint, $"{listing.Repo}/resolve/{listing.CommitSha}/{string.Join('/', file.Path.Split('/').Select(Uri.EscapeDataString))}");
        var download = new HubDownload(this, uri, file, target + ModelCache.PartialSuffix, progress);
        long size = await download.RunAsync(MaxAttempts, cancellation).ConfigureAwait(false);
        File.Move(target + ModelCache.PartialSuffix, target, overwrite: true);
        var manifest = new ModelManifest(listing.Repo, file.Path, listing.CommitSha, sha256, size, _time.GetUtcNow(), target);
        cache.Record(manifest);
        return manifest;
    }

    /// <summary>A GET for <paramref name="uri"/> with the token and, past zero, a <c>Range: bytes=N-</c> header.</summary>
    internal HttpRequestMessage Request(Uri uri, long rangeFrom)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        if (rangeFrom > 0)
        {
            request.Headers.Range = new RangeHeaderValue(rangeFrom, null);
        }

        return request;
    }

    /// <summary>Sends <paramref name="request"/>, reading only the headers, and names the URL when the connection fails.</summary>
    internal async Task<HttpResponseMessage> Send(HttpRequestMessage request, CancellationToken cancellation)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ModelStoreException($"hub request {request.RequestUri} failed: {e.Message}", e);
        }
    }

    private static HubListing ParseListing(string repo, byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        string commit = root.GetProperty("sha").GetString() ?? throw new InvalidOperationException("'sha' is null");
        var files = new List<HubFile>();
        foreach (var sibling in root.GetProperty("siblings").EnumerateArray())
        {
            string name = sibling.GetProperty("rfilename").GetString() ?? throw new InvalidOperationException("'rfilename' is null");
            long? size = sibling.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
            string? sha = null;
            if (sibling.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
            {
                // Newer listings say "sha256"; older ones "oid", sometimes as "sha256:<hex>".
                sha = lfs.TryGetProperty("sha256", out var h) ? h.GetString() : lfs.TryGetProperty("oid", out var o) ? o.GetString() : null;
                sha = sha?.Replace("sha256:", "", StringComparison.Ordinal).ToLowerInvariant();
                size ??= lfs.TryGetProperty("size", out var ls) && ls.ValueKind == JsonValueKind.Number ? ls.GetInt64() : null;
            }

            files.Add(new HubFile(name, size, sha));
        }

        return new HubListing(repo, commit, files);
    }
}

// A fake Hugging Face hub on 127.0.0.1 (any free port): the listing and resolve routes, with a redirect, a dropped connection and a lying checksum on demand.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Strata.Cli.Tests.Store;

/// <summary>One file the fake hub serves.</summary>
/// <param name="Content">The bytes served.</param>
/// <param name="ListedSha256">The SHA-256 the listing claims (null: the content's real hash).</param>
/// <param name="Redirect">Answer the resolve route with a 302 to /cdn/... instead of the bytes.</param>
/// <param name="DropAfterBytes">On the first request, send this many bytes and then abort the connection.</param>
internal sealed record FakeHubFile(byte[] Content, string? ListedSha256 = null, bool Redirect = false, int? DropAfterBytes = null);

/// <summary>A request the fake hub received: its path and its Range and Authorization headers.</summary>
internal sealed record FakeHubRequest(string Path, string? Range, string? Authorization);

/// <summary>Serves <c>/api/models/{owner}/{repo}</c> and <c>/{owner}/{repo}/resolve/{rev}/{file}</c> for the repositories added.</summary>
internal sealed class FakeHub : IAsyncDisposable
{
    /// <summary>The commit every repository is at.</summary>
    public const string CommitSha = "0123456789abcdef0123456789abcdef01234567";

    private readonly Dictionary<string, Dictionary<string, FakeHubFile>> _repos;
    private readonly ConcurrentDictionary<string, int> _served = new();
    private readonly WebApplication _app;

    private FakeHub(Dictionary<string, Dictionary<string, FakeHubFile>> repos, WebApplication app)
    {
        _repos = repos;
        _app = app;
    }

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<FakeHubRequest> Requests { get; } = new();

    /// <summary>The hub's base URL (for HF_ENDPOINT).</summary>
    public string Endpoint => _app.Urls.First();

    /// <summary>Starts a hub serving <paramref name="repos"/> (repo id → file path → file).</summary>
    public static async Task<FakeHub> StartAsync(Dictionary<string, Dictionary<string, FakeHubFile>> repos)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var hub = new FakeHub(repos, app);
        app.Use(async (context, next) =>
        {
            hub.Requests.Enqueue(new FakeHubRequest(context.Request.Path.Value!, context.Request.Headers.Range.FirstOrDefault(),
                context.Request.Headers.Authorization.FirstOrDefault()));
            await next(context);
        });
        app.MapGet("/api/models/{owner}/{repo}", (string owner, string repo) => hub.Listing($"{owner}/{repo}"));
        app.MapGet("/{owner}/{repo}/resolve/{rev}/{**file}", (HttpContext context, string owner, string repo, string file) =>
            hub.ResolveAsync(context, $"{owner}/{repo}", file, allowRedirect: true));
        app.MapGet("/cdn/{owner}/{repo}/{**file}", (HttpContext context, string owner, string repo, string file) =>
            hub.ResolveAsync(context, $"{owner}/{repo}", file, allowRedirect: false));
        await app.StartAsync();
        return hub;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IResult Listing(string repo)
    {
        if (!_repos.TryGetValue(repo, out var files))
        {
            return Results.NotFound();
        }

        var siblings = files.Select(f => new
        {
            rfilename = f.Key,
            size = f.Value.Content.Length,
            lfs = new { sha256 = f.Value.ListedSha256 ?? Convert.ToHexStringLower(SHA256.HashData(f.Value.Content)), size = f.Value.Content.Length },
        });
        return Results.Json(new { id = repo, sha = CommitSha, siblings });
    }

    private async Task ResolveAsync(HttpContext context, string repo, string path, bool allowRedirect)
    {
        if (!_repos.TryGetValue(repo, out var files) || !files.TryGetValue(path, out var file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (allowRedirect && file.Redirect)
        {
            context.Response.Redirect($"/cdn/{repo}/{path}");
            return;
        }

        int from = 0;
        string? range = context.Request.Headers.Range.FirstOrDefault();
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = int.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {from}-{file.Content.Length - 1}/{file.Content.Length}";
        }

        context.Response.ContentLength = file.Content.Length - from;
        bool first = _served.AddOrUpdate(repo + "/" + path, 1, (_, n) => n + 1) == 1;
        if (first && file.DropAfterBytes is int drop)
        {
            await context.Response.Body.WriteAsync(file.Content.AsMemory(from, drop - from));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(file.Content.AsMemory(from));
    }
}

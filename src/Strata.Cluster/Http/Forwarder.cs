// Sends a request to the node that holds its replica and relays the answer, streaming as it comes.
using System.Net;
using Microsoft.AspNetCore.Http;

namespace Strata.Cluster;

/// <summary>How a forward ended.</summary>
internal enum ForwardOutcome
{
    /// <summary>The answer was relayed (whatever its status).</summary>
    Relayed,

    /// <summary>The node could not be reached, or failed before anything reached the client: try another.</summary>
    Unreachable,

    /// <summary>The node failed after part of the answer reached the client: the stream was ended with an error event.</summary>
    LostMidAnswer,
}

/// <summary>
/// Relays one request to another node. Nothing is written to the client before the node's first bytes arrive, so a node
/// that dies before answering can be retried elsewhere without the client seeing anything; once bytes went out, a lost
/// node ends the stream with an error event (never a hang, never a silent re-run).
/// </summary>
internal sealed class Forwarder(NodeTrust trust) : IDisposable
{
    /// <summary>Marks a request already routed by a node: the receiver serves it itself.</summary>
    public const string RoutedHeader = "X-Strata-Routed";

    /// <summary>The error code of a routed request whose replica has moved away: nothing ran, the router tries another.</summary>
    public const string ReplicaMoved = "replica_moved";

    private static readonly string[] RequestHeaders = ["Authorization", "Accept", "X-Strata-Deadline-Ms", "traceparent", "tracestate", RouteEvidence.Header];
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Transfer-Encoding", "Keep-Alive", "Upgrade", "Content-Length", "Server", "Date",
    };

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public async Task<ForwardOutcome> ForwardAsync(HttpContext context, string nodeUrl, byte[]? body, string fromNode)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), nodeUrl + request.Path + request.QueryString);
        foreach (var name in RequestHeaders)
        {
            if (request.Headers.TryGetValue(name, out var values))
            {
                message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        message.Headers.TryAddWithoutValidation(RoutedHeader, fromNode);
        if (trust.Secret is { } secret)
        {
            message.Headers.TryAddWithoutValidation(NodeTrust.SecretHeader, secret);
        }

        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            if (request.ContentType is { } type)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        var aborted = context.RequestAborted;
        HttpResponseMessage response;
        Stream upstream;
        byte[] buffer = new byte[16 * 1024];
        int first;
        try
        {
            response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, aborted).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return ForwardOutcome.Unreachable;
        }

        using (response)
        {
            try
            {
                upstream = await response.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
                first = await upstream.ReadAsync(buffer, aborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                return ForwardOutcome.Unreachable;
            }

            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && IsShuttingDown(buffer.AsSpan(0, first)))
            {
                return ForwardOutcome.Unreachable; // draining: nothing ran there
            }

            context.Response.StatusCode = (int)response.StatusCode;
            CopyHeaders(response.Headers, context.Response.Headers);
            CopyHeaders(response.Content.Headers, context.Response.Headers);
            bool events = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            try
            {
                int n = first;
                while (n > 0)
                {
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, n), aborted).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    n = await upstream.ReadAsync(buffer, aborted).ConfigureAwait(false);
                }
            }
            catch (Exception e) when ((e is HttpRequestException or IOException) && !aborted.IsCancellationRequested)
            {
                await EndLost(context, events, nodeUrl).ConfigureAwait(false);
                return ForwardOutcome.LostMidAnswer;
            }
        }

        return ForwardOutcome.Relayed;
    }

    /// <summary>GETs the same path from another node with the caller's key; its body when it answers 200, else null.</summary>
    public async Task<byte[]?> TryGetAsync(HttpContext context, string nodeUrl, string fromNode)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(HttpMethod.Get, nodeUrl + request.Path + request.QueryString);
        if (request.Headers.TryGetValue("Authorization", out var key))
        {
            message.Headers.TryAddWithoutValidation("Authorization", (IEnumerable<string?>)key);
        }

        message.Headers.TryAddWithoutValidation(RoutedHeader, fromNode);
        if (trust.Secret is { } secret)
        {
            message.Headers.TryAddWithoutValidation(NodeTrust.SecretHeader, secret);
        }

        try
        {
            using var response = await _client.SendAsync(message, context.RequestAborted).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsByteArrayAsync(context.RequestAborted).ConfigureAwait(false) : null;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return null;
        }
    }

    public void Dispose() => _client.Dispose();

    // The stream's client hears why it ended; a JSON answer cut short cannot be mended, so its connection is aborted.
    private static async Task EndLost(HttpContext context, bool events, string nodeUrl)
    {
        if (!events)
        {
            context.Abort();
            return;
        }

        string error = "data: {\"error\":{\"message\":\"the node serving this stream (" + nodeUrl
            + ") was lost; the output above is all there is, and the request was not run again\",\"type\":\"server_error\",\"param\":null,\"code\":\"replica_lost\"}}\n\ndata: [DONE]\n\n";
        await context.Response.WriteAsync(error, CancellationToken.None).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static bool IsShuttingDown(ReadOnlySpan<byte> start) => start.IndexOf("\"shutting_down\""u8) >= 0 || start.IndexOf("\"replica_moved\""u8) >= 0;

    private static void CopyHeaders(System.Net.Http.Headers.HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
        {
            if (!HopHeaders.Contains(name))
            {
                to[name] = values.ToArray();
            }
        }
    }
}

// Where the server listens: http URLs whose hosts are IP addresses or localhost, and never beyond loopback keyless unless allowed.
using System.Globalization;
using System.Net;

namespace Strata.Serving;

/// <summary>
/// Builds and checks the URLs Kestrel listens on. Kestrel listens on every interface for a host that is not an address or
/// localhost, so a typo (127.0.0.l) or a name (example.com) would expose the server: such hosts are refused. A URL beyond
/// loopback on a server without API keys needs <see cref="ServerConfig.AllowUnauthenticated"/>.
/// </summary>
public static class ListenUrls
{
    /// <summary>The default when neither --host/--port, --urls nor ASPNETCORE_URLS say otherwise.</summary>
    public const string Default = "http://127.0.0.1:8080";

    /// <summary>The URL for <paramref name="host"/> and <paramref name="port"/>.</summary>
    /// <exception cref="ArgumentException">the host is not an IP address or localhost, or the port is out of range</exception>
    public static string FromHostPort(string host, int port)
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"port {port} is out of range, expected 0 (any free port) to 65535", nameof(port));
        }

        IsLoopback(host, $"--host '{host}'");
        return $"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Splits a URL list as ASP.NET Core does (semicolons) and checks each URL.</summary>
    /// <exception cref="ArgumentException">a URL is malformed, not http, its host is a name, or it reaches beyond loopback keyless without permission</exception>
    public static IReadOnlyList<string> Parse(string urls, string source, bool keyed, bool allowUnauthenticated)
    {
        var list = new List<string>();
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            list.Add(url);
        }

        if (list.Count == 0)
        {
            throw new ArgumentException($"{source} is empty, expected URLs such as {Default}");
        }

        Check(list, source, keyed, allowUnauthenticated);
        return list;
    }

    /// <summary>Checks every URL: http, a host that is an address, localhost, * or +, and loopback unless keyed or allowed.</summary>
    /// <exception cref="ArgumentException">as for <see cref="Parse"/></exception>
    public static void Check(IReadOnlyList<string> urls, string source, bool keyed, bool allowUnauthenticated)
    {
        foreach (string url in urls)
        {
            string where = $"{source} '{url}'";
            const string Scheme = "http://";
            if (!url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"{where}: expected an http:// URL such as {Default} (for https, put a TLS proxy in front)");
            }

            string authority = url[Scheme.Length..];
            int slash = authority.IndexOf('/', StringComparison.Ordinal);
            authority = slash >= 0 ? authority[..slash] : authority;
            int colon = authority.LastIndexOf(':');
            int close = authority.LastIndexOf(']');
            string host = colon > close ? authority[..colon] : authority;
            if (colon > close && !(int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535))
            {
                throw new ArgumentException($"{where}: the port is not a number from 0 to 65535");
            }

            host = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && authority.EndsWith(":0", StringComparison.Ordinal))
            {
                throw new ArgumentException($"{where}: port 0 (any free port) needs an address, as Kestrel binds localhost twice; use 127.0.0.1:0 or [::1]:0");
            }

            bool loopback = host is not ("*" or "+") && IsLoopback(host, where);
            if (!loopback && !keyed && !allowUnauthenticated)
            {
                throw new ArgumentException(
                    $"{where} listens beyond this machine and no API keys are configured (config 'tenants'), so anyone who can reach it "
                    + "could use the server; configure tenants with api_keys, or pass --allow-unauthenticated (config 'allow_unauthenticated': true)");
            }
        }
    }

    // True for localhost and loopback addresses, false for other addresses; throws for a host that is not an address.
    private static bool IsLoopback(string host, string where)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // IPAddress.TryParse also reads "127.1" or "10" as IPv4 addresses; a dotted quad must be written out in full.
        if (!IPAddress.TryParse(host, out var address)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.ToString() != host))
        {
            throw new ArgumentException(
                $"{where}: '{host}' is not an IP address or 'localhost' (a name would make the server listen on every interface); "
                + "give an address such as 127.0.0.1, ::1, or 0.0.0.0 for every interface");
        }

        return IPAddress.IsLoopback(address);
    }
}

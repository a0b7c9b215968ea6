// Where the server may listen: addresses or localhost only, and beyond loopback keyless only when allowed.
namespace Strata.Serving.Tests;

public sealed class ListenUrlsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://127.0.0.1:8080;http://[::1]:8080/")]
    public void Parse_LoopbackKeyless_IsAccepted(string urls) =>
        Assert.NotEmpty(ListenUrls.Parse(urls, "--urls", keyed: false, allowUnauthenticated: false));

    [Theory]
    [InlineData("http://127.0.0.l:8080", "is not an IP address")]
    [InlineData("http://example.com:80", "is not an IP address")]
    [InlineData("http://127.1:80", "is not an IP address")]
    [InlineData("https://127.0.0.1:443", "http://")]
    [InlineData("http://127.0.0.1:99999", "port")]
    [InlineData("http://localhost:0", "127.0.0.1:0")]
    [InlineData("http://0.0.0.0:8080", "--allow-unauthenticated")]
    [InlineData("http://+:80", "--allow-unauthenticated")]
    [InlineData("http://[::]:80", "--allow-unauthenticated")]
    [InlineData("http://192.168.1.20:80", "--allow-unauthenticated")]
    public void Parse_RefusedUrl_ThrowsSayingWhy(string urls, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => ListenUrls.Parse(urls, "ASPNETCORE_URLS", keyed: false, allowUnauthenticated: false));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Parse_BeyondLoopback_WithKeysOrPermission_IsAccepted(bool keyed, bool allowed) =>
        Assert.Single(ListenUrls.Parse("http://0.0.0.0:8080", "--urls", keyed, allowed));

    [Theory]
    [InlineData("127.0.0.l")]
    [InlineData("example.com")]
    [InlineData("0.0.0.0")]
    public async Task StartAsync_RefusedHost_ThrowsBeforeLoadingOrListening(string host)
    {
        var model = new ModelConfig { Name = ServerFixture.Model, Path = ServerFixture.ModelPath };
        await Assert.ThrowsAsync<ArgumentException>(() => StrataServer.StartAsync([model], host, 0, new ServerConfig { Threads = 2 }));
    }
}

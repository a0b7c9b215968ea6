// `strata pull` and `strata models` against a fake hub: a normal, a resumed and a redirected download, and a corrupted file refused.
using System.Security.Cryptography;

namespace Strata.Cli.Tests.Store;

public sealed class PullCommandTests : IDisposable
{
    private const int DropAfterBytes = 100_000;
    private static readonly byte[] Stories = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "models", "stories260K.gguf"));

    private readonly string _home = Directory.CreateTempSubdirectory("strata-pull-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task Pull_NormalDownload_CachesVerifiedFileThatGenerateLoadsByName()
    {
        await using var hub = await StartHub(new FakeHubFile(Stories));

        var pull = Strata(hub, "pull", "owner/tiny");
        var generate = Strata(hub, "generate", "--model", "owner/tiny", "--prompt", "Once upon a time", "--temperature", "0", "--max-tokens", "64");

        Assert.True(pull.ExitCode == 0, pull.StdErr);
        string cached = Path.Combine(_home, "models", "owner", "tiny", FakeHub.CommitSha, "stories260K.gguf");
        Assert.Equal(Stories, File.ReadAllBytes(cached));
        Assert.True(File.Exists(cached + ".manifest.json"));
        Assert.True(generate.ExitCode == 0, generate.StdErr);
        Assert.Equal(DefaultModelTests.GoldenText() + "\n", generate.StdOut);
    }

    [Fact]
    public async Task Pull_ConnectionDroppedMidFile_ResumesWithRangeAndVerifies()
    {
        await using var hub = await StartHub(new FakeHubFile(Stories, DropAfterBytes: DropAfterBytes));

        var pull = Strata(hub, "pull", "owner/tiny:stories260K.gguf");

        Assert.True(pull.ExitCode == 0, pull.StdErr);
        var downloads = hub.Requests.Where(r => r.Path.Contains("/resolve/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, downloads.Count);
        Assert.Null(downloads[0].Range);
        // The abort resets the connection, so the client may not have read all it was sent: it resumes from what it kept,
        // and the SHA-256 check below proves the offset was the right one.
        Assert.Matches("^bytes=[0-9]+-$", downloads[1].Range);
        long resumedFrom = long.Parse(downloads[1].Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(resumedFrom, 1, DropAfterBytes);
        Assert.Equal(Stories, File.ReadAllBytes(Path.Combine(_home, "models", "owner", "tiny", FakeHub.CommitSha, "stories260K.gguf")));
    }

    [Fact]
    public async Task Pull_RedirectToCdn_FollowsItAndSendsTheTokenOnlyToTheHub()
    {
        await using var hub = await StartHub(new FakeHubFile(Stories, Redirect: true));

        var pull = Strata(hub, "pull", "owner/tiny", "--token-env-test");

        Assert.True(pull.ExitCode == 0, pull.StdErr);
        Assert.Contains(hub.Requests, r => r.Path.StartsWith("/cdn/owner/tiny/", StringComparison.Ordinal) && r.Authorization is null);
        Assert.All(hub.Requests.Where(r => !r.Path.StartsWith("/cdn/", StringComparison.Ordinal)), r => Assert.Equal("Bearer sekrit-token", r.Authorization));
        Assert.DoesNotContain("sekrit-token", pull.StdOut + pull.StdErr, StringComparison.Ordinal);
        Assert.Equal(Stories, File.ReadAllBytes(Path.Combine(_home, "models", "owner", "tiny", FakeHub.CommitSha, "stories260K.gguf")));
    }

    [Fact]
    public async Task Pull_WrongChecksum_RefusedAndNothingLeftInTheCache()
    {
        string wrong = new('a', 64);
        await using var hub = await StartHub(new FakeHubFile(Stories, ListedSha256: wrong));

        var pull = Strata(hub, "pull", "owner/tiny");

        Assert.Equal(2, pull.ExitCode);
        Assert.Contains($"expected SHA-256 {wrong}, got {Convert.ToHexStringLower(SHA256.HashData(Stories))}", pull.StdErr, StringComparison.Ordinal);
        string models = Path.Combine(_home, "models");
        Assert.Empty(Directory.Exists(models) ? Directory.GetFiles(models, "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Pull_SeveralGgufWithoutFile_ErrorListsThem()
    {
        var files = new Dictionary<string, FakeHubFile> { ["a-Q8_0.gguf"] = new(Stories), ["a-F16.gguf"] = new(Stories) };
        await using var hub = await FakeHub.StartAsync(new() { ["owner/many"] = files });

        var pull = Strata(hub, "pull", "owner/many");

        Assert.Equal(2, pull.ExitCode);
        Assert.Contains("a-Q8_0.gguf", pull.StdErr, StringComparison.Ordinal);
        Assert.Contains("a-F16.gguf", pull.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Models_ListShowRm_ReportThenRemoveThePulledModel()
    {
        await using var hub = await StartHub(new FakeHubFile(Stories));
        string sha = Convert.ToHexStringLower(SHA256.HashData(Stories));
        Assert.Equal(0, Strata(hub, "pull", "owner/tiny").ExitCode);

        var list = Strata(hub, "models", "list");
        var show = Strata(hub, "models", "show", "owner/tiny");
        var rm = Strata(hub, "models", "rm", "owner/tiny:stories260K.gguf");
        var listAfter = Strata(hub, "models", "list");
        var rmAgain = Strata(hub, "models", "rm", "owner/tiny");

        Assert.Contains($"owner/tiny:stories260K.gguf\t{Stories.Length}\t{sha[..12]}\t", list.StdOut, StringComparison.Ordinal);
        Assert.Contains($"sha256:    {sha}", show.StdOut, StringComparison.Ordinal);
        Assert.Contains($"revision:  {FakeHub.CommitSha}", show.StdOut, StringComparison.Ordinal);
        Assert.True(rm.ExitCode == 0, rm.StdErr);
        Assert.Equal("", listAfter.StdOut);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_home, "models")));
        Assert.Equal(2, rmAgain.ExitCode);
        Assert.Contains("is not in the cache", rmAgain.StdErr, StringComparison.Ordinal);
    }

    private static Task<FakeHub> StartHub(FakeHubFile file) =>
        FakeHub.StartAsync(new() { ["owner/tiny"] = new() { ["stories260K.gguf"] = file, ["README.md"] = new("# tiny"u8.ToArray()) } });

    // "--token-env-test" (not a strata option) sets HF_TOKEN for that run instead of being passed on.
    private ProcessResult Strata(FakeHub hub, params string[] args)
    {
        bool token = args.Contains("--token-env-test");
        var environment = new Dictionary<string, string?>
        {
            ["STRATA_HOME"] = _home,
            ["HF_ENDPOINT"] = hub.Endpoint,
            ["HF_TOKEN"] = token ? "sekrit-token" : null,
        };
        return StrataProcess.RunWithEnvironment(environment, args.Where(a => a != "--token-env-test").ToArray());
    }
}

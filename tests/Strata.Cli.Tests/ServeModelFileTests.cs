// The real `strata serve` process while its model file is truncated, copied over or overwritten in place: it stays up,
// answers as before, and its evidence and readiness say the file changed.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Strata.Cli.Tests;

public sealed class ServeModelFileTests
{
    public enum FileChange
    {
        Truncate,
        CopyOver,
        OverwriteInPlace,
    }

    [Theory]
    [InlineData(FileChange.Truncate)]
    [InlineData(FileChange.CopyOver)]
    [InlineData(FileChange.OverwriteInPlace)]
    public async Task Serve_ModelFileChangedUnderIt_StaysUpAnswersAsBeforeAndSaysSo(FileChange change)
    {
        // At 48ed64f the file was mapped: truncating it killed the process (SIGBUS → AccessViolationException), and copying
        // another GGUF over it or overwriting its second half in place made the next request fail on NaN logits while the
        // evidence named the old hash. Now the weights are a private copy made at load.
        string path = TempCopy(StrataProcess.Shared("stories260K.gguf"));
        var (process, url) = await ServeCommandTests.StartServe("--model", "m=" + path);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var (before, beforeEvidence) = await Greedy(http, process);
            Assert.False(beforeEvidence.GetProperty("model_file_changed").GetBoolean());
            Assert.Equal("copy", beforeEvidence.GetProperty("model_load").GetString());

            Change(path, change);

            var (after, afterEvidence) = await Greedy(http, process);
            Assert.False(process.HasExited, "strata serve ended after its model file changed");
            Assert.Equal(before, after);
            Assert.True(afterEvidence.GetProperty("model_file_changed").GetBoolean(), "the evidence does not say the model file changed");
            Assert.Equal(beforeEvidence.GetProperty("model_sha256").GetString(), afterEvidence.GetProperty("model_sha256").GetString());
            using var ready = await http.GetAsync("/health/ready");
            using var health = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal(200, (int)ready.StatusCode); // the loaded weights are intact: still ready
            Assert.True(health.RootElement.GetProperty("model_files")[0].GetProperty("file_changed").GetBoolean());
        }
        finally
        {
            await Stop(process);
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Serve_MmapAndFileOverwrittenInPlace_EvidenceAndReadinessSaySo()
    {
        // The opt-in mapping cannot keep its bytes when the file is written: the server must then say so, not go on as
        // if the evidence's model_sha256 still named what it computes with.
        string path = TempCopy(StrataProcess.Shared("stories260K.gguf"));
        var (process, url) = await ServeCommandTests.StartServe("--model", "m=" + path, "--mmap");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var (_, beforeEvidence) = await Greedy(http, process);
            Assert.Equal("mmap", beforeEvidence.GetProperty("model_load").GetString());
            Assert.Equal(200, (int)(await http.GetAsync("/health/ready")).StatusCode);

            // Two bytes of the metadata, parsed at load: the weights still run, but the file is no longer the one loaded.
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                file.Position = 64;
                file.Write("zz"u8);
            }

            using var ready = await http.GetAsync("/health/ready");
            using var health = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal(503, (int)ready.StatusCode);
            Assert.True(health.RootElement.GetProperty("model_files")[0].GetProperty("file_changed").GetBoolean());
            var (_, afterEvidence) = await Greedy(http, process);
            Assert.True(afterEvidence.GetProperty("model_file_changed").GetBoolean());
        }
        finally
        {
            await Stop(process);
            File.Delete(path);
        }
    }

    private static string TempCopy(string source)
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-served-{Guid.NewGuid():N}.gguf");
        File.Copy(source, path);
        File.SetAttributes(path, FileAttributes.Normal); // the shared copy may be read-only; this one is written to
        return path;
    }

    // The three ways a file is changed under a running server: `truncate`, `cp other.gguf served.gguf` (truncate and
    // rewrite the same inode) and `dd conv=notrunc` (same inode, same size, other bytes).
    private static void Change(string path, FileChange change)
    {
        switch (change)
        {
            case FileChange.Truncate:
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                {
                    file.SetLength(100_000);
                }

                break;
            case FileChange.CopyOver:
                File.Copy(StrataProcess.Shared("synth/ci-d256-l4-q8_0.gguf"), path, overwrite: true);
                break;
            case FileChange.OverwriteInPlace:
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
                {
                    var noise = new byte[file.Length / 2 - 4096];
                    new Random(14).NextBytes(noise);
                    file.Position = file.Length / 2;
                    file.Write(noise);
                }

                break;
        }
    }

    private static async Task<(string Text, JsonElement Engine)> Greedy(HttpClient http, Process process)
    {
        HttpResponseMessage reply;
        try
        {
            reply = await http.PostAsJsonAsync("/v1/completions", new { prompt = "Once upon a time", max_tokens = 24, temperature = 0 });
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"request failed ({e.Message}); strata serve exited: {process.HasExited}", e);
        }

        using (reply)
        {
            string body = await reply.Content.ReadAsStringAsync();
            Assert.True(reply.IsSuccessStatusCode, $"HTTP {(int)reply.StatusCode}: {body}");
            string text = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()!;
            string trace = reply.Headers.GetValues("X-Strata-Trace-Id").First();
            using var evidence = JsonDocument.Parse(await http.GetStringAsync($"/v1/strata/evidence/{trace}"));
            return (text, evidence.RootElement.GetProperty("engine").Clone());
        }
    }

    private static async Task Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }
}

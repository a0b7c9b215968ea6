// Runs a llama-bench binary on the same model and settings (`strata bench --peer PATH`) and reads its JSON output.
using System.Diagnostics;
using System.Text.Json;

namespace Strata.Cli;

/// <summary>llama-bench's figures for one model: medians of its per-repetition tokens/s.</summary>
/// <param name="PromptTokensPerSecond">median pp tokens/s</param>
/// <param name="DecodeTokensPerSecond">median tg tokens/s</param>
/// <param name="BuildCommit">the peer's build_commit field</param>
/// <param name="PromptRuns">each run's pp tokens/s where the peer ran more than once, else null</param>
/// <param name="DecodeRuns">each run's tg tokens/s where the peer ran more than once, else null</param>
internal sealed record PeerResult(double PromptTokensPerSecond, double DecodeTokensPerSecond, string BuildCommit,
    double[]? PromptRuns = null, double[]? DecodeRuns = null);

/// <summary>Invokes <c>llama-bench -m MODEL -t T -p P -n N -r R -o json</c>.</summary>
internal static class LlamaBenchPeer
{
    public static PeerResult Run(string peerPath, string modelPath, int threads, int promptTokens, int genTokens, int repetitions)
    {
        if (!File.Exists(peerPath))
        {
            throw new FileNotFoundException($"--peer: llama-bench not found at '{peerPath}'", peerPath);
        }

        var start = new ProcessStartInfo(peerPath)
        {
            // Its log goes straight to our stderr: no second pipe to drain on a pool thread (the runs are interleaved with
            // strata's, and the pool and its threads' stacks would stay in the resident set that strata bench reports).
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-m", modelPath, "-t", $"{threads}", "-p", $"{promptTokens}", "-n", $"{genTokens}", "-r", $"{repetitions}", "-o", "json" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new IOException($"--peer: could not start '{peerPath}'");
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"--peer: '{peerPath}' exited with {process.ExitCode} (its log is on stderr above)");
        }

        return Parse(stdout);
    }

    /// <summary>Reads llama-bench's JSON array: the pp test has n_gen 0, the tg test n_prompt 0.</summary>
    public static PeerResult Parse(string json)
    {
        double pp = double.NaN;
        double tg = double.NaN;
        string commit = "unknown";
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var test in doc.RootElement.EnumerateArray())
            {
                int nPrompt = test.GetProperty("n_prompt").GetInt32();
                int nGen = test.GetProperty("n_gen").GetInt32();
                double median = Median(test.GetProperty("samples_ts"));
                commit = test.TryGetProperty("build_commit", out var c) ? c.GetString() ?? commit : commit;
                if (nGen == 0 && nPrompt > 0)
                {
                    pp = median;
                }
                else if (nPrompt == 0 && nGen > 0)
                {
                    tg = median;
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new IOException($"--peer: output is not llama-bench JSON ({e.Message})", e);
        }

        if (double.IsNaN(pp) || double.IsNaN(tg))
        {
            throw new IOException("--peer: llama-bench JSON lacks a prompt (n_gen 0) or a generation (n_prompt 0) test");
        }

        return new PeerResult(pp, tg, commit);
    }

    private static double Median(JsonElement samples)
    {
        var values = new List<double>();
        foreach (var s in samples.EnumerateArray())
        {
            values.Add(s.GetDouble());
        }

        values.Sort();
        int mid = values.Count / 2;
        return values.Count == 0 ? double.NaN : values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}

// Acceptance 5 for the compiler path: 2,000 seeded mutations of the real MiniLM file (byte flips and replacements, most in
// the first 64 KiB where the header, nodes and names lie, some anywhere; truncations) each go through load, import, the
// optimiser and lowering with fallback refused, and end in an executable or a clear OnnxFormatException, CompileException
// or ArgumentException - no other exception, no case slower than 10 s, no hang. Mutations are made in place and undone
// (truncation is a slice), so the 90 MB file is read once. A mutation that only changes values inside a weight tensor
// (an initializer of 64 KiB or more, whose bytes no pass interprets) is loaded and imported, and fully compiled one time in
// sixteen: the 46 MB embedding table starts at byte 35 K, and compiling every such case would take minutes in Debug.
using System.Collections.Concurrent;
using System.Diagnostics;
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Import;
using Strata.Compiler.Graphs.Lowering;
using Strata.Compiler.Onnx;
using Strata.Compiler.Tests.Onnx;
using Xunit.Abstractions;

namespace Strata.Compiler.Tests.Graphs;

public sealed class GraphCompilerFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 2_000;
    private const int Seed = 5;
    private const int HeadBytes = 64 * 1024;
    private const int Workers = 2;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TotalLimit = TimeSpan.FromSeconds(240);

    private (long Start, long End)[] _weights = [];

    private static readonly GraphCompileOptions Options =
        new(CapacityBounds.Encoder(64, 512, 4096), "fuzz", "avx2", AllowFallback: false, ["last_hidden_state"]);

    [Fact]
    public async Task Compile_TwoThousandMutationsOfMiniLm_ExecutableOrClearException()
    {
        string copy = Path.Combine(Directory.CreateTempSubdirectory("strata-compile-fuzz-").FullName, "model.onnx");
        File.Copy(OnnxTestModels.MiniLm, copy);
        byte[] file = File.ReadAllBytes(copy);
        using (var original = OnnxModel.Load(file, "minilm.onnx"))
        {
            _weights = [.. original.Graph.Initializers.Where(t => t.ByteLength >= HeadBytes && t.DataOffsetBytes is not null)
                .Select(t => (t.DataOffsetBytes!.Value, t.DataOffsetBytes!.Value + t.ByteLength))];
        }

        Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        long slowestTicks = 0;

        // Two workers, each mutating its own copy; case i's mutation comes from Random(Seed + i) whatever the worker.
        // A hang fails here with a TimeoutException instead of stalling the run.
        await Task.Run(() => Parallel.For(0, Cases, new ParallelOptions { MaxDegreeOfParallelism = Workers }, () => (byte[])file.Clone(), (i, _, copy) =>
        {
            long started = Stopwatch.GetTimestamp();
            string outcome = Mutated(copy, new Random(Seed + i), i);
            var elapsed = Stopwatch.GetElapsedTime(started);
            Assert.True(elapsed < CaseLimit, $"case {i} took {elapsed.TotalSeconds:F1} s ({outcome})");
            InterlockedMax(ref slowestTicks, elapsed.Ticks);
            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            return copy;
        }, _ => { })).WaitAsync(TotalLimit);
        var slowest = TimeSpan.FromTicks(slowestTicks);

        output.WriteLine($"{Cases} mutations (seed {Seed}) of MiniLM in {clock.Elapsed.TotalSeconds:F1} s, slowest case {slowest.TotalMilliseconds:F0} ms:");
        foreach (var (outcome, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {count,5}  {outcome}");
        }

        Assert.Equal(Cases, outcomes.Values.Sum());
        Assert.Contains(outcomes.Keys, k => k.StartsWith("compiled", StringComparison.Ordinal));
        Assert.Contains(outcomes.Keys, k => k.StartsWith(nameof(OnnxFormatException), StringComparison.Ordinal));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long seen = Interlocked.Read(ref target);
        while (value > seen)
        {
            long previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    // Applies one seeded mutation to file (undone before returning) and compiles the result.
    private string Mutated(byte[] file, Random random, int index)
    {
        int kind = random.Next(10);
        if (kind == 0)
        {
            int cut = random.Next(2) == 0 ? random.Next(1, HeadBytes) : random.Next(1, file.Length);
            return Outcome(file.AsMemory(0, cut), $"case {index} (cut at {cut})");
        }

        // Flips (kinds 1-6) or replacements (7-9): 1 to 4 bytes, in the first 64 KiB except for kind 9 (anywhere).
        int limit = kind == 9 ? file.Length : HeadBytes;
        int count = 1 + random.Next(4);
        var changed = new (int At, byte Before)[count];
        for (int j = 0; j < count; j++)
        {
            int at = random.Next(limit);
            changed[j] = (at, file[at]);
            file[at] = kind < 7 ? (byte)(file[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
        }

        bool weightsOnly = Array.TrueForAll(changed, c => Array.Exists(_weights, w => c.At >= w.Start && c.At < w.End));
        try
        {
            string what = $"case {index} (bytes {string.Join(", ", changed.Select(c => c.At))})";
            return weightsOnly && index % 16 != 0 ? Imported(file, what) : Outcome(file, what);
        }
        finally
        {
            for (int j = count - 1; j >= 0; j--)
            {
                file[changed[j].At] = changed[j].Before;
            }
        }
    }

    // The check that fired: the message up to its first detail (names and numbers vary case by case).
    private static string Reason(string message)
    {
        int cut = message.IndexOfAny([':', '\'', '%']);
        return cut > 0 ? message[..cut].Trim() : message;
    }

    private static string Imported(ReadOnlyMemory<byte> bytes, string what)
    {
        try
        {
            using var model = OnnxModel.Load(bytes, "fuzz.onnx");
            _ = OnnxImporter.Import(model, Options.Outputs, new CompileLog());
            return "weights changed: loaded and imported";
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what} changed only weights and threw {e.GetType().Name}: {e}");
        }
    }

    private static string Outcome(ReadOnlyMemory<byte> bytes, string what)
    {
        try
        {
            using var model = OnnxModel.Load(bytes, "fuzz.onnx");
            var log = new CompileLog();
            var graph = GraphOptimizer.Run(OnnxImporter.Import(model, Options.Outputs, log), log);
            using var executable = GraphCompiler.Lower(graph, Options, log);
            return "compiled";
        }
        // ArgumentException itself: its subclasses (out of range, null) would be defects, not clear rejections.
        catch (Exception e) when (e is OnnxFormatException or CompileException || e.GetType() == typeof(ArgumentException))
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message), $"{what}: {e.GetType().Name} without a message");
            return $"{e.GetType().Name}: {Reason(e.Message)}";
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what} threw {e.GetType().Name}, not OnnxFormatException, CompileException or ArgumentException: {e}");
        }
    }
}

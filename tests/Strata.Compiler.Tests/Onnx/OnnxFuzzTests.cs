// Issue 20, acceptance 5: 10,000 seeded mutations of the MiniLM file's header and graph each end in a loaded model or an
// OnnxFormatException - no other exception, no crash, no hang. The mutations run on a compact copy of MiniLM: the same
// model (header, 323 nodes with their Constant tensors, names, initializer order, inputs, outputs, opsets) with each
// initializer cut to its first 64 elements (dims [n]), so that 10,000 loads take seconds instead of copying 90 MB each
// time; the 90 MB of weights add nothing the parser reads (raw_data is skipped by length). The real file's own bytes
// are covered by OnnxTruncationTests and by the in-place mutations below.
using System.Diagnostics;
using Google.Protobuf;
using Strata.Compiler.Onnx;
using Strata.Compiler.Onnx.Proto;
using Xunit.Abstractions;

namespace Strata.Compiler.Tests.Onnx;

public sealed class OnnxFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 10_000;
    private const int Seed = 20;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Load_TenThousandMutationsOfCompactMiniLm_LoadOrOnnxFormatException()
    {
        byte[] compact = CompactMiniLm();
        using (var baseline = OnnxModel.Load(compact, "minilm-compact.onnx"))
        {
            Assert.Equal(148, baseline.Graph.Initializers.Count);
        }

        var mutator = new OnnxFuzzMutator(compact);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var random = new Random(Seed);
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() =>
        {
            for (int i = 0; i < Cases; i++)
            {
                var (kind, bytes) = mutator.Mutate(random);
                Count(kinds, kind);
                Count(outcomes, Outcome(bytes, $"case {i} ({kind})"));
            }
        });

        // A hang (or a load far too slow) fails here with a TimeoutException instead of stalling the run.
        await run.WaitAsync(Limit);
        output.WriteLine($"{Cases} mutations (seed {Seed}, {mutator.LengthVarintCount} length varints) of a {compact.Length}-byte compact MiniLM in {clock.Elapsed.TotalSeconds:F1} s: "
            + string.Join(", ", kinds.Select(k => $"{k.Value} {k.Key}")));
        foreach (var (outcome, count) in outcomes)
        {
            output.WriteLine($"  {count,6}  {outcome}");
        }

        Assert.Equal(Cases, outcomes.Values.Sum());
        Assert.True(outcomes.Count > 3, "the mutations should reach several different checks");
    }

    [Fact]
    public void Load_InPlaceMutationsOfTheRealMiniLmHead_LoadOrOnnxFormatException()
    {
        byte[] file = File.ReadAllBytes(OnnxTestModels.MiniLm);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var random = new Random(Seed + 1);
        for (int i = 0; i < 1_000; i++)
        {
            int at = random.Next(64 * 1024);
            byte before = file[at];
            file[at] = random.Next(2) == 0 ? (byte)(before ^ (1 << random.Next(8))) : (byte)random.Next(256);
            Count(outcomes, Outcome(file, $"real-file case {i} (byte {at})"));
            file[at] = before;
        }

        output.WriteLine("1000 in-place mutations of the real MiniLM's first 64 KiB:");
        foreach (var (outcome, count) in outcomes)
        {
            output.WriteLine($"  {count,6}  {outcome}");
        }
    }

    private static string Outcome(byte[] bytes, string what)
    {
        try
        {
            using var model = OnnxModel.Load(bytes, "fuzz.onnx");
            return "loaded";
        }
        catch (OnnxFormatException e)
        {
            return "rejected: " + Reason(e.Message);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{what} threw {e.GetType().Name}, not OnnxFormatException: {e}");
        }
    }

    private static void Count(SortedDictionary<string, int> outcomes, string outcome) =>
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

    // The check that fired, by its message's wording.
    private static string Reason(string message) =>
        message.Contains("protobuf at byte", StringComparison.Ordinal) ? "wire format (splitter)"
        : message.Contains("is not valid protobuf", StringComparison.Ordinal) ? "protobuf parse"
        : message.Contains("topological order", StringComparison.Ordinal) || message.Contains("a cycle", StringComparison.Ordinal) ? "node order or cycle"
        : message.Contains("produced by no node", StringComparison.Ordinal) ? "undefined value"
        : message.Contains("already", StringComparison.Ordinal) || message.Contains("given to another", StringComparison.Ordinal) ? "duplicate name"
        : message.Contains("bytes of data", StringComparison.Ordinal) || message.Contains("ambiguous", StringComparison.Ordinal) ? "tensor data"
        : message.Contains("dims", StringComparison.Ordinal) || message.Contains("dimensions", StringComparison.Ordinal) ? "dims"
        : message.Contains("element type", StringComparison.Ordinal) ? "element type"
        : message.Contains("attribute", StringComparison.Ordinal) ? "attribute"
        : message.Contains("ir_version", StringComparison.Ordinal) || message.Contains("opset", StringComparison.Ordinal) ? "model header"
        : message.Contains("has no graph", StringComparison.Ordinal) ? "no graph"
        : message.Contains("has no name", StringComparison.Ordinal) || message.Contains("op_type is empty", StringComparison.Ordinal) ? "missing name"
        : "other: " + message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..];

    // MiniLM with every initializer cut to its first 64 elements, as a 1-D tensor.
    private static byte[] CompactMiniLm()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(OnnxTestModels.MiniLm));
        foreach (var tensor in model.Graph.Initializer)
        {
            int elementBytes = Math.Max(OnnxDataTypes.ElementBits((OnnxDataType)tensor.DataType) / 8, 1);
            int count = Math.Min(tensor.RawData.Length / elementBytes, 64);
            tensor.RawData = ByteString.CopyFrom(tensor.RawData.Span[..(count * elementBytes)]);
            tensor.Dims.Clear();
            tensor.Dims.Add(count);
        }

        return model.ToByteArray();
    }
}

// The graph runner on the real all-MiniLM-L6-v2, and the compiled encoder that runs it per chunk, allocate nothing on the
// calling thread once warm: a run with the last run's sizes, with sizes seen before, or with new sizes no longer than the
// longest yet (a longer sequence grows the attention scratch once) allocates 0 bytes, and an Encode call allocates the same few bytes however many chunks it runs (its three
// input views). Measured by AllocationMeter (a no-GC region, this collection alone): a raw
// GetAllocatedBytesForCurrentThread delta once read 7960 bytes in a full parallel run when another test's collection
// retired this thread's allocation context.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;
using Strata.Engine.Embeddings;
using Strata.Engine.Graphs;
using Strata.Engine.Tests.Embeddings;

namespace Strata.Engine.Tests.Graphs;

[Collection(nameof(AllocationCollection))]
public sealed class GraphRunnerAllocationTests
{
    private static readonly string[] ShortTexts = ["A cat sat.", "Dogs bark."];
    private static readonly string[] LongTexts = ["The quick brown fox jumps over the lazy dog near the river bank.", "Hello world."];
    private static readonly string[] MiddleTexts = ["The quick brown fox jumps over the dog.", "Hello world."];

    [Fact]
    public void Run_MiniLm_AllocatesNothingAtRepeatedOrNewSizesAndRepeatsItsOutput()
    {
        var options = new GraphCompileOptions(CompiledSentenceEncoder.Bounds(512), string.Empty, Kernels.KernelIsa.Active, AllowFallback: false,
            ["last_hidden_state"]);
        using var executable = GraphCompiler.Compile(MiniLmGolden.ModelPath, options);
        using var runner = new GraphRunner(executable, threads: 2);
        var builder = BertInputBuilder.FromVocabulary(MiniLmGolden.VocabularyPath);
        BertInput shortInput = builder.Build(ShortTexts), longInput = builder.Build(LongTexts);
        Assert.NotEqual(shortInput.SequenceLength, longInput.SequenceLength);
        GraphInput[] shortFeeds = Feeds(executable, shortInput), longFeeds = Feeds(executable, longInput);

        runner.Run(shortFeeds);
        runner.Run(shortFeeds);
        float[] first = runner.OutputFloats(0, out _).ToArray();
        long sameSizes = AllocationMeter.Measure(() => runner.Run(shortFeeds));
        runner.Run(longFeeds);
        runner.Run(longFeeds);
        long newLengthWarm = AllocationMeter.Measure(() => runner.Run(longFeeds));
        long backToFirst = AllocationMeter.Measure(() => runner.Run(shortFeeds));
        float[] again = runner.OutputFloats(0, out long[] shape).ToArray();

        Assert.Equal(0, sameSizes);
        Assert.Equal(0, newLengthWarm);
        Assert.Equal(0, backToFirst); // re-evaluated into the same arrays
        Assert.Equal([2, shortInput.SequenceLength, 384], shape);
        Assert.Equal(first, again); // bit for bit: the shapes re-evaluated after the long run are the short run's

        BertInput middleInput = builder.Build(MiddleTexts);
        Assert.InRange(middleInput.SequenceLength, shortInput.SequenceLength + 1, longInput.SequenceLength - 1);
        GraphInput[] middleFeeds = Feeds(executable, middleInput);
        long newSizes = AllocationMeter.Measure(() => runner.Run(middleFeeds)); // never run, no longer than the long run
        Assert.Equal(0, newSizes); // new sizes are checked against the capacity and evaluated without allocating
    }

    [Fact]
    public void Encode_MiniLmBatchOfTwoChunks_AllocatesNoMorePerCallThanOneChunk()
    {
        using var encoder = CompiledSentenceEncoder.OpenOnnx(MiniLmGolden.ModelPath, threads: 2, foreign: null, allowFallback: false);
        var builder = BertInputBuilder.FromVocabulary(MiniLmGolden.VocabularyPath);
        var one = builder.Build([ShortTexts[0]]);
        var many = builder.Build(Enumerable.Repeat(ShortTexts[0], CompiledSentenceEncoder.BatchCapacity + 1).ToArray());
        Assert.Equal(one.SequenceLength, many.SequenceLength); // so the second chunk (one row) has the one-row call's sizes
        float[] oneHidden = new float[one.SequenceLength * encoder.HiddenSize], manyHidden = new float[many.BatchSize * many.SequenceLength * encoder.HiddenSize];
        for (int i = 0; i < 2; i++)
        {
            encoder.Encode(one, oneHidden);
            encoder.Encode(many, manyHidden);
        }

        long oneChunk = AllocationMeter.Measure(() => encoder.Encode(one, oneHidden));
        long twoChunks = AllocationMeter.Measure(() => encoder.Encode(many, manyHidden));

        // Per call, each of the three int64 inputs is viewed as bytes once (an Int64ArrayBytes, tens of bytes); per chunk nothing.
        Assert.Equal(oneChunk, twoChunks);
        Assert.InRange(oneChunk, 0, 3 * 64);
    }

    private static GraphInput[] Feeds(GraphExecutable executable, BertInput input)
    {
        long[] shape = [input.BatchSize, input.SequenceLength];
        var feeds = new GraphInput[executable.Graph.Inputs.Count];
        for (int i = 0; i < feeds.Length; i++)
        {
            feeds[i] = GraphInput.Of(shape, executable.Graph.Inputs[i].Name switch
            {
                "input_ids" => input.InputIds,
                "attention_mask" => input.AttentionMask,
                _ => input.TokenTypeIds,
            });
        }

        return feeds;
    }
}

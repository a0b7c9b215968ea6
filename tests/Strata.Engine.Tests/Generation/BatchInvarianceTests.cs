// With BatchInvariant and 8-bit activations, a sequence's logits are bit-identical alone, batched with others, and however its prompt is chunked.
using Strata.Engine.KvCache;
using Strata.Engine.Runtime;
using Strata.Kernels;

namespace Strata.Engine.Tests.Generation;

public sealed class BatchInvarianceTests
{
    [Theory]
    [InlineData("ci-d256-l4-q8_0.gguf", false)]
    [InlineData("ci-d256-l4-q8_0.gguf", true)]
    [InlineData("ci-d256-l4-q4_0.gguf", false)]
    [InlineData("ci-d256-l4-q4_k_m.gguf", false)]
    public void Fast_BatchInvariant_LogitsEqualAloneAndBatched_AndAcrossPromptChunkings(string model, bool vnni) =>
        Assert.Null(FirstDifference(model, batchInvariant: true, vnni));

    [Theory]
    [InlineData("ci-d256-l4-q8_0.gguf")]
    [InlineData("ci-d256-l4-q4_k_m.gguf")]
    public void Fast_WithoutBatchInvarianceOrVnni_TheSameChecksFindADifference(string model)
    {
        // The control: the option is what makes the checks above pass (VNNI panels are invariant on their own). Without
        // AVX-512 the fast kernels found no difference on an AVX2-only EPYC (2026-12-05): the control needs the AVX-512 tiles.
        if (!Kernels.KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
        {
            return;
        }

        string? difference = FirstDifference(model, batchInvariant: false, vnni: false);
        Assert.NotNull(difference);
    }

    // Runs every comparison and returns the first that is not bit-identical, or null.
    private static string? FirstDifference(string model, bool batchInvariant, bool vnni)
    {
        try
        {
            Compare(model, batchInvariant, vnni);
            return null;
        }
        catch (Xunit.Sdk.FailException e)
        {
            return e.Message;
        }
    }

    private static void Compare(string model, bool batchInvariant, bool vnni)
    {
        string path = SharedModels.File("synth/" + model);
        var options = new EngineOptions(Threads: 2, ContextTokens: 256, BatchTokens: 32, Sequences: 6,
            Mode: NumericMode.QuantizedActivations, BatchInvariant: batchInvariant)
        {
            Vnni = vnni,
        };
        using var rt = ModelRuntime.Load(path, null, options);
        var rng = new Random(3);
        int vocab = rt.Model.Spec.VocabSize;
        int[][] prompts = [.. Enumerable.Range(0, 5).Select(i => Enumerable.Range(0, 3 + (7 * i)).Select(_ => rng.Next(3, vocab)).ToArray())];
        var batch = new ForwardBatch(rt.Executable.MaxBatchTokens, rt.Executable.MaxOutputRows);
        const int steps = 12;

        // Alone: prompt in chunks of 32, then one token per pass.
        var alone = new List<float[]>[prompts.Length];
        var tokens = new List<int>[prompts.Length];
        for (int s = 0; s < prompts.Length; s++)
        {
            var seq = new SequenceKv(rt.KvBlocks, 256);
            SequenceForward.Prefill(rt, batch, seq, prompts[s]);
            alone[s] = [];
            tokens[s] = [];
            for (int t = 0; t < steps; t++)
            {
                float[] logits = rt.Runner.Logits(0).ToArray();
                alone[s].Add(logits);
                int next = ArgMax(logits);
                tokens[s].Add(next);
                SequenceForward.Decode(rt, batch, seq, next);
            }

            seq.Release();
        }

        // The prompt token by token gives the same first logits as the prompt in chunks.
        for (int s = 0; s < prompts.Length; s++)
        {
            var seq = new SequenceKv(rt.KvBlocks, 256);
            foreach (int token in prompts[s])
            {
                SequenceForward.Decode(rt, batch, seq, token);
            }

            AssertBits(alone[s][0], rt.Runner.Logits(0), $"sequence {s}, prompt token by token");
            seq.Release();
        }

        // Batched: every sequence's decode rows in one pass, same tokens fed.
        var seqs = new SequenceKv[prompts.Length];
        for (int s = 0; s < prompts.Length; s++)
        {
            seqs[s] = new SequenceKv(rt.KvBlocks, 256);
            SequenceForward.Prefill(rt, batch, seqs[s], prompts[s]);
            AssertBits(alone[s][0], rt.Runner.Logits(0), $"sequence {s}, prefill");
        }

        for (int t = 1; t < steps; t++)
        {
            batch.Clear();
            for (int s = 0; s < prompts.Length; s++)
            {
                int position = seqs[s].Length;
                Assert.True(seqs[s].TryReserve(position + 1));
                batch.Add(tokens[s][t - 1], position, seqs[s], wantsLogits: true);
            }

            rt.Runner.Run(batch);
            for (int s = 0; s < prompts.Length; s++)
            {
                seqs[s].Advance(seqs[s].Length + 1);
                AssertBits(alone[s][t], rt.Runner.Logits(s), $"sequence {s}, step {t} batched with {prompts.Length - 1} others");
            }
        }

        foreach (var seq in seqs)
        {
            seq.Release();
        }
    }

    private static void AssertBits(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: logit {i} is {actual[i]:R}, alone it was {expected[i]:R}");
            }
        }
    }

    private static int ArgMax(float[] logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }
}

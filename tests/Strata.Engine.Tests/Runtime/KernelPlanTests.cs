// The runner decides no kernel: it runs what the executable's plan says. A plan rewritten to the batch-invariant tile
// reproduces the batch-invariant executable's logits bit for bit, and a plan naming a kernel that cannot run is refused.
using Strata.Compiler.Lowering;
using Strata.Engine.KvCache;
using Strata.Engine.Runtime;
using Strata.Kernels;

namespace Strata.Engine.Tests.Runtime;

public sealed class KernelPlanTests
{
    private const int Context = 64;

    // Exact numerics: the plans rewritten here swap exact f32 kernels (fast numerics pack the weights for their own).
    private static ModelRuntime Load(bool batchInvariant) =>
        ModelRuntime.Load(SharedModels.File("synth/ci-d256-l4-q8_0.gguf"), null,
            new EngineOptions(Threads: 2, ContextTokens: Context, BatchTokens: 16, BatchInvariant: batchInvariant, Mode: NumericMode.Exact));

    [Fact]
    public void NewRunner_OverACopiedModelWhosePackedWeightsWereReleased_IsRefusedNamingWhy()
    {
        // Fast numerics pack the Q8_0 products and release the copy's raw bytes (unreadable from then on): a second runner
        // over the same artifact would fault reading them, so it is refused instead. Only the AVX-512 integer tiles pack.
        if (!Kernels.KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
        {
            return;
        }

        using var fast = ModelRuntime.Load(SharedModels.File("synth/ci-d256-l4-q8_0.gguf"), null,
            new EngineOptions(Threads: 2, ContextTokens: Context, BatchTokens: 16, Mode: NumericMode.QuantizedActivations));
        Assert.True(fast.Model.ReleasedBytes > 0);
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<InvalidOperationException>(
            () => new ExecutableRunner(fast.Executable, fast.Model, pool, Context, fast.Options.BlockTokens));
        Assert.Contains("released by the runner that packed them", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PlanRewrittenToTheTile_GivesTheBatchInvariantLogits_NotTheDefaultOnes()
    {
        using var plain = Load(batchInvariant: false);
        using var invariant = Load(batchInvariant: true);
        Executable tiles = Rewrite(plain.Executable, MatMulKernel.DequantTile4);
        using var pool = new WorkerPool(2);
        using var runner = new ExecutableRunner(tiles, plain.Model, pool, Context, plain.Options.BlockTokens);
        int[] prompt = [1, 415, 2936, 9060, 285, 1142];

        float[] byDefault = Decode(plain, plain.Runner, prompt);
        float[] byInvariant = Decode(invariant, invariant.Runner, prompt);
        float[] byRewrite = Decode(plain, runner, prompt);

        // One-row decode takes the AVX-512 matrix-vector kernels by default, the tile when invariant: the sums differ.
        if (KernelIsa.Active.StartsWith("avx512", StringComparison.Ordinal))
        {
            Assert.NotEqual(byDefault, byInvariant);
        }

        Assert.Equal(byInvariant, byRewrite);
    }

    [Fact]
    public void Run_EachStepsPlannedKernel_IsTheOneItRuns_AKernelThatCannotRunIsRefusedNamingIt()
    {
        // One step (or one group) at a time gets a kernel that cannot run a Q8_0 row: if the runner chose kernels itself,
        // that step would run and nothing would throw.
        using var plain = Load(batchInvariant: false);
        var exe = plain.Executable;
        using var pool = new WorkerPool(1);
        const MatMulKernel Wrong = MatMulKernel.IntKTile4x4;
        var grouped = exe.ProductGroups.SelectMany(g => Enumerable.Range(g.First, g.Count)).ToHashSet();
        foreach (var plan in exe.MatMulKernels.Where(k => !grouped.Contains(k.Step)))
        {
            var one = exe with
            {
                MatMulKernels = [.. exe.MatMulKernels.Select(k => k.Step != plan.Step ? k : k with { Buckets = [new KernelBucket(1, k.Buckets[^1].MaxRows, Wrong)] })],
            };
            AssertRefused(plain, one, pool, $"step {plan.Step} ({plan.Weight})");
        }

        foreach (var group in exe.ProductGroups)
        {
            var one = exe with
            {
                ProductGroups = [.. exe.ProductGroups.Select(g => g.First != group.First ? g : g with { Joint = [new KernelBucket(1, exe.MaxBatchTokens, Wrong)] })],
            };
            AssertRefused(plain, one, pool, $"group at step {group.First} ({group.Describe()})");
        }

        Assert.True(grouped.Count > 0 && exe.MatMulKernels.Count > grouped.Count, "the model has grouped and single products");
    }

    private static void AssertRefused(ModelRuntime plain, Executable exe, WorkerPool pool, string what)
    {
        using var runner = new ExecutableRunner(exe, plain.Model, pool, Context, plain.Options.BlockTokens);
        var e = Record.Exception(() => Decode(plain, runner, [1, 415]));
        Assert.True(e is ArgumentException && e.Message.Contains(nameof(MatMulKernel.IntKTile4x4), StringComparison.Ordinal),
            $"{what}: expected the planned kernel to be refused, got {e?.GetType().Name ?? "no exception"} {e?.Message}");
    }

    // Every matrix product, and every group, takes one kernel for all row counts.
    private static Executable Rewrite(Executable exe, MatMulKernel kernel) => exe with
    {
        MatMulKernels = [.. exe.MatMulKernels.Select(k => k with { Buckets = [new KernelBucket(1, k.Buckets[^1].MaxRows, kernel)] })],
        ProductGroups = [.. exe.ProductGroups.Select(g => g with { Joint = [new KernelBucket(1, exe.MaxBatchTokens, kernel)] })],
    };

    // The prompt one token per run (one-row products), returning the last logits.
    private static float[] Decode(ModelRuntime runtime, ExecutableRunner runner, int[] prompt)
    {
        var sequence = new SequenceKv(runtime.KvBlocks, Context);
        var batch = new ForwardBatch(runtime.Executable.MaxBatchTokens, runtime.Executable.MaxOutputRows);
        try
        {
            for (int p = 0; p < prompt.Length; p++)
            {
                Assert.True(sequence.TryReserve(p + 1));
                batch.Clear();
                batch.Add(prompt[p], p, sequence, wantsLogits: true);
                runner.Run(batch);
                sequence.Advance(p + 1);
            }

            return runner.Logits(0).ToArray();
        }
        finally
        {
            sequence.Release();
        }
    }
}

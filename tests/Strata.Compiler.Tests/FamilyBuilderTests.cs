// Each family builder's graph on a synthetic spec: the ops its architecture needs, its weights, and errors that name tensors.
using Strata.Compiler.Builders;
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Kernels;

namespace Strata.Compiler.Tests;

public sealed class FamilyBuilderTests
{
    private const int Layers = 2, Dim = 64, Heads = 8, KvHeads = 4, HeadDim = 8, Ffn = 172;
    private static readonly string[] Unfused = ["attn_q", "attn_k", "attn_v", "ffn_gate", "ffn_up"];
    private static readonly string[] DenseFfn = ["ffn_gate", "ffn_up", "ffn_down"];
    private static readonly CompileOptions Options = new(MaxBatchTokens: 16, MaxOutputRows: 4, WeightsIdentity: "sha-a", KernelIsa: "avx512");

    private static DecoderSpec Spec(string arch, Action<Dictionary<string, TensorDescriptor>> edit)
    {
        var llama = SpecFactory.Llama(layers: Layers, dim: Dim, heads: Heads, kvHeads: KvHeads, ffn: Ffn);
        var tensors = new Dictionary<string, TensorDescriptor>(llama.Tensors, StringComparer.Ordinal);
        edit(tensors);
        return llama with { Architecture = arch, Tensors = tensors, Rope = llama.Rope with { Mode = RopeMode.NeoX } };
    }

    private static void Add(Dictionary<string, TensorDescriptor> t, string name, params long[] dims) => t[name] = new TensorDescriptor(name, GgmlType.F32, dims);

    private static void PerLayer(Dictionary<string, TensorDescriptor> t, Action<string> add)
    {
        for (int l = 0; l < Layers; l++)
        {
            add($"blk.{l}.");
        }
    }

    private static int Count(Executable exe, OpKind op) => exe.Steps.Count(s => s.Op == op);

    internal static DecoderSpec Qwen3() => Spec("qwen3", t => PerLayer(t, p =>
    {
        Add(t, p + "attn_q_norm.weight", HeadDim);
        Add(t, p + "attn_k_norm.weight", HeadDim);
    }));

    internal static DecoderSpec Gemma3() => Spec("gemma3", t => PerLayer(t, p =>
    {
        Add(t, p + "attn_q_norm.weight", HeadDim);
        Add(t, p + "attn_k_norm.weight", HeadDim);
        Add(t, p + "post_attention_norm.weight", Dim);
        Add(t, p + "post_ffw_norm.weight", Dim);
    })) with
    {
        AttentionScale = 0.25f,
        SlidingWindow = new SlidingWindowSpec(16, 2, new RopeSpec(HeadDim, 10000f, RopeMode.NeoX)),
        Rope = new RopeSpec(HeadDim, 1e6f, RopeMode.NeoX) { FrequencyScale = 0.125f },
    };

    internal static DecoderSpec Gemma2() => Gemma3() with { Architecture = "gemma2", AttentionSoftCap = 50f, FinalSoftCap = 30f };

    internal static DecoderSpec Phi3()
    {
        int kvDim = KvHeads * HeadDim;
        return Spec("phi3", t =>
        {
            PerLayer(t, p =>
            {
                foreach (string name in Unfused)
                {
                    t.Remove(p + name + ".weight");
                }

                Add(t, p + "attn_qkv.weight", Dim, Dim + (2 * kvDim));
                Add(t, p + "ffn_up.weight", Dim, 2 * Ffn);
            });
            Add(t, "rope_factors_short.weight", HeadDim / 2);
            Add(t, "rope_factors_long.weight", HeadDim / 2);
        }) with
        {
            Rope = new RopeSpec(HeadDim, 10000f, RopeMode.NeoX)
            {
                FactorsTensor = "rope_factors_short.weight",
                LongFactorsTensor = "rope_factors_long.weight",
                OriginalContext = 256,
                Magnitude = 1.19f,
            },
        };
    }

    internal static DecoderSpec Qwen3Moe()
    {
        const int experts = 8, used = 2, expertFfn = 32;
        return Spec("qwen3moe", t => PerLayer(t, p =>
        {
            Add(t, p + "attn_q_norm.weight", HeadDim);
            Add(t, p + "attn_k_norm.weight", HeadDim);
            foreach (string name in DenseFfn)
            {
                t.Remove(p + name + ".weight");
            }

            Add(t, p + "ffn_gate_inp.weight", Dim, experts);
            Add(t, p + "ffn_gate_exps.weight", Dim, expertFfn, experts);
            Add(t, p + "ffn_up_exps.weight", Dim, expertFfn, experts);
            Add(t, p + "ffn_down_exps.weight", expertFfn, Dim, experts);
        })) with
        { Experts = new ExpertSpec(experts, used, expertFfn, NormalizeWeights: true) };
    }

    internal static DecoderSpec LlamaRopeFreqs()
    {
        var llama = SpecFactory.Llama(layers: Layers, dim: Dim, heads: Heads, kvHeads: KvHeads, ffn: Ffn);
        return SpecFactory.With(llama, new TensorDescriptor("rope_freqs.weight", GgmlType.F32, [HeadDim / 2])) with
        {
            Rope = llama.Rope with { FactorsTensor = "rope_freqs.weight" },
        };
    }

    /// <summary>A spec of every architecture family and variant these tests build (llama, qwen2 with biases, tied output, …).</summary>
    internal static IEnumerable<DecoderSpec> AllSpecs() =>
    [
        SpecFactory.Llama(), SpecFactory.Llama(qkvBias: true), SpecFactory.Llama(tiedOutput: true, matrixType: GgmlType.Q4_K),
        LlamaRopeFreqs(), Qwen3(), Qwen3Moe(), Gemma2(), Gemma3(), Phi3(),
    ];

    [Fact]
    public void Qwen3_NormsEachHeadOfQAndKBeforeRope()
    {
        var exe = DecoderCompiler.Compile(Qwen3(), Options);
        Assert.Equal(2 * Layers, Count(exe, OpKind.HeadRmsNorm));
        var steps = exe.Steps.ToList();
        int norm = steps.FindIndex(s => s.Op == OpKind.HeadRmsNorm);
        Assert.Equal([OpKind.HeadRmsNorm, OpKind.HeadRmsNorm, OpKind.Rope, OpKind.Rope], steps.Skip(norm).Take(4).Select(s => s.Op));
        Assert.Equal([Heads, KvHeads], steps.Skip(norm).Take(2).Select(s => s.Attributes.Heads));

        var e = Assert.Throws<CompileException>(() => DecoderCompiler.Compile(SpecFactory.Without(Qwen3(), "blk.1.attn_k_norm.weight"), Options));
        Assert.Contains("'blk.1.attn_k_norm.weight'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gemma3_ScalesTheEmbedding_GeluGates_PostNorms_AndAlternatesLocalAndGlobalLayers()
    {
        var exe = DecoderCompiler.Compile(Gemma3(), Options);
        Assert.Equal(OpKind.Scale, exe.Steps[1].Op);
        Assert.Equal(MathF.Sqrt(Dim), exe.Steps[1].Attributes.Scale);
        Assert.Equal(Layers, Count(exe, OpKind.GeluGlu));
        Assert.Equal(0, Count(exe, OpKind.SwiGlu));
        Assert.Equal((4 * Layers) + 1, Count(exe, OpKind.RmsNorm));
        var attention = exe.Steps.Where(s => s.Op == OpKind.Attention).Select(s => s.Attributes).ToArray();
        Assert.Equal([16, 0], attention.Select(a => a.Window));
        Assert.All(attention, a => Assert.Equal(0.25f, a.Scale));
        var ropes = exe.Steps.Where(s => s.Op == OpKind.Rope).Select(s => s.Attributes.Frequencies).ToArray();
        Assert.Equal([10000f, 10000f, 1e6f, 1e6f], ropes.Select(f => f.Base));
        Assert.Equal([1f, 1f, 0.125f, 0.125f], ropes.Select(f => f.Scale));
        Assert.Equal(OpKind.MatMul, exe.Steps[^1].Op);
    }

    [Fact]
    public void Gemma2_SoftCapsScoresAndLogits()
    {
        var spec = Gemma2();
        var exe = DecoderCompiler.Compile(spec, Options);
        Assert.Equal(OpKind.SoftCap, exe.Steps[^1].Op);
        Assert.Equal(30f, exe.Steps[^1].Attributes.Scale);
        Assert.All(exe.Steps.Where(s => s.Op == OpKind.Attention), s => Assert.Equal(50f, s.Attributes.SoftCap));
    }

    [Fact]
    public void Phi3_SplitsTheFusedProjections_AndPicksLongFactorsPastTheOriginalContext()
    {
        var spec = Phi3();
        var shortContext = DecoderCompiler.Compile(spec, Options with { ContextTokens = 256 });
        Assert.Equal(5 * Layers, Count(shortContext, OpKind.Slice));
        Assert.All(shortContext.Steps.Where(s => s.Op == OpKind.Rope), s =>
        {
            Assert.Equal("rope_factors_short.weight", shortContext.Weights[s.WeightIndex].Name);
            Assert.Equal(1.19f, s.Attributes.Frequencies.Magnitude);
        });
        var longContext = DecoderCompiler.Compile(spec, Options with { ContextTokens = 1024 });
        Assert.All(longContext.Steps.Where(s => s.Op == OpKind.Rope), s => Assert.Equal("rope_factors_long.weight", longContext.Weights[s.WeightIndex].Name));
        Assert.NotEqual(shortContext.ContentHash, longContext.ContentHash);
    }

    [Fact]
    public void Qwen3Moe_RoutesThroughExpertProducts_BatchedByExpert()
    {
        const int experts = 8, expertFfn = 32;
        var spec = Qwen3Moe();
        var exe = DecoderCompiler.Compile(spec, Options);
        Assert.Equal(Layers, Count(exe, OpKind.MoeRoute));
        Assert.Equal(3 * Layers, Count(exe, OpKind.ExpertMatMul));
        Assert.Equal(Layers, Count(exe, OpKind.MoeCombine));
        Assert.Contains(exe.Weights, w => w.Name == "blk.0.ffn_down_exps.weight" && w.Slices == experts && w.Rows == Dim && w.Cols == expertFfn);
        Assert.Contains(exe.MatMulKernels, k => k.Op == OpKind.ExpertMatMul);

        var wrong = SpecFactory.With(spec, new TensorDescriptor("blk.1.ffn_up_exps.weight", GgmlType.F32, [Dim, expertFfn, experts - 1]));
        var e = Assert.Throws<CompileException>(() => DecoderCompiler.Compile(wrong, Options));
        Assert.Contains("'blk.1.ffn_up_exps.weight'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LlamaRopeFreqs_AreEveryRopesFactors()
    {
        var spec = LlamaRopeFreqs();
        var exe = DecoderCompiler.Compile(spec, Options);
        Assert.All(exe.Steps.Where(s => s.Op == OpKind.Rope), s => Assert.Equal("rope_freqs.weight", exe.Weights[s.WeightIndex].Name));
    }

    [Fact]
    public void UnknownArchitecture_IsACompileErrorListingTheBuilders()
    {
        var e = Assert.Throws<CompileException>(() => DecoderCompiler.Compile(SpecFactory.Llama() with { Architecture = "mamba" }, Options));
        Assert.Contains("'mamba'", e.Message, StringComparison.Ordinal);
        Assert.All(DecoderBuilders.Architectures, a => Assert.Contains(a, e.Message, StringComparison.Ordinal));
    }
}

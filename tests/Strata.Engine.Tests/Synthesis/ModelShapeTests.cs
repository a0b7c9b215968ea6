// `--shape` parsing per architecture: presets tied to their architecture, each architecture's defaults and keys, clear refusals.
using Strata.Engine.Synthesis;

namespace Strata.Engine.Tests.Synthesis;

public sealed class ModelShapeTests
{
    [Theory]
    [InlineData("qwen3-0.6b", "qwen3", 1024, 28, 128, true)]
    [InlineData("gemma3-1b", "gemma3", 1152, 26, 256, true)]
    [InlineData("gemma2-2b", "gemma2", 2304, 26, 256, true)]
    [InlineData("llama3.2-1b", "llama", 2048, 16, 64, true)]
    [InlineData("phi3-mini", "phi3", 3072, 32, 96, false)]
    [InlineData("qwen3-30b-a3b-mini", "qwen3moe", 512, 4, 128, false)]
    [InlineData("ci-d256", "llama", 256, 4, 32, false)]
    public void Parse_Preset_CarriesItsArchitecture(string name, string arch, int dim, int layers, int headDim, bool tied)
    {
        var shape = ModelShape.Parse(name);
        Assert.Equal((arch, dim, layers, headDim, tied), (shape.Architecture, shape.Dim, shape.Layers, shape.HeadDim, shape.TiedOutput));
        Assert.Equal(shape, ModelShape.Parse(name, arch));
    }

    [Fact]
    public void Parse_PresetOfAnotherArchitecture_NamesBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelShape.Parse("gemma3-1b", "qwen3"));
        Assert.Contains("gemma3", e.Message, StringComparison.Ordinal);
        Assert.Contains("qwen3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Presets_MatchTheirModels()
    {
        var llama = ModelShape.Llama32_1B.RopeScaling;
        Assert.Equal((RopeScalingKind.Llama3, 32f, 8192, 1f, 4f), (llama.Kind, llama.Factor, llama.OriginalContext, llama.LowFrequencyFactor,
            llama.HighFrequencyFactor));
        Assert.Equal(500000f, ModelShape.Llama32_1B.RopeBase);
        var gemma3 = ModelShape.Gemma3_1B;
        Assert.Equal((512, 6, 1e6f, 10000f, 4, 1), (gemma3.SlidingWindow, gemma3.SlidingWindowPattern, gemma3.RopeBase, gemma3.RopeBaseSwa,
            gemma3.Heads, gemma3.KvHeads));
        var moe = ModelShape.Qwen3_30B_A3B_Mini;
        Assert.Equal((16, 8, 256, 151936), (moe.Experts, moe.ExpertsUsed, moe.ExpertFeedForward, moe.Vocab));
        Assert.Equal((RopeScalingKind.LongRope, 4096, 32f), (ModelShape.Phi3Mini.RopeScaling.Kind, ModelShape.Phi3Mini.RopeScaling.OriginalContext,
            ModelShape.Phi3Mini.RopeScaling.Factor));
    }

    [Fact]
    public void Parse_KeyForm_TakesTheArchitecturesDefaults()
    {
        const string Dims = "d=256,layers=2,heads=4,kv-heads=2,ffn=512,vocab=1000";
        var gemma2 = ModelShape.Parse(Dims, "gemma2");
        Assert.Equal((true, 4096, 2, 50f, 30f, 1e-6f), (gemma2.TiedOutput, gemma2.SlidingWindow, gemma2.SlidingWindowPattern,
            gemma2.AttentionSoftcap, gemma2.FinalSoftcap, gemma2.NormEpsilon));
        var gemma3 = ModelShape.Parse(Dims + ",window=8,head-dim=128", "gemma3");
        Assert.Equal((8, 6, 1e6f, 10000f, 128), (gemma3.SlidingWindow, gemma3.SlidingWindowPattern, gemma3.RopeBase, gemma3.RopeBaseSwa, gemma3.HeadDim));
        var qwen3 = ModelShape.Parse(Dims, "qwen3");
        Assert.Equal((1e6f, 1e-6f, false), (qwen3.RopeBase, qwen3.NormEpsilon, qwen3.TiedOutput));
        var moe = ModelShape.Parse(Dims + ",experts=8,experts-used=2", "qwen3moe");
        Assert.Equal((8, 2, 256), (moe.Experts, moe.ExpertsUsed, moe.ExpertFeedForward)); // ffn / experts-used, llama.cpp's fallback
        var llama = ModelShape.Parse(Dims);
        Assert.Equal(("llama", 10000f, 1e-5f), (llama.Architecture, llama.RopeBase, llama.NormEpsilon));
    }

    [Fact]
    public void Parse_RopeScaling_FillsTheConvertersDefaultsAndLongRopeFactor()
    {
        const string Dims = "d=256,layers=2,heads=4,ffn=512,vocab=1000";
        Assert.Equal(new RopeScaling(RopeScalingKind.Llama3, 8f, 8192), ModelShape.Parse(Dims + ",rope-scaling=llama3").RopeScaling);
        Assert.Equal(new RopeScaling(RopeScalingKind.Linear, 4f, 0), ModelShape.Parse(Dims + ",rope-scaling=linear,rope-factor=4", "qwen3").RopeScaling);
        Assert.Equal(new RopeScaling(RopeScalingKind.Yarn, 4f, 32768), ModelShape.Parse(Dims + ",rope-scaling=yarn,rope-factor=4,rope-orig-ctx=32768", "qwen2").RopeScaling);
        Assert.Equal(new RopeScaling(RopeScalingKind.LongRope, 32f, 4096), ModelShape.Parse(Dims + ",ctx=131072,long-rope=1", "phi3").RopeScaling);
    }

    [Theory]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,window=8", "llama", "'window' does not apply to llama")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,experts=8", "qwen3", "'experts' does not apply to qwen3")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,head-dim=64", "phi3", "'head-dim' does not apply to phi3")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,rope-scaling=llama3", "qwen2", "rope-scaling=llama3 does not apply to qwen2")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,rope-scaling=yarn,rope-factor=4", "llama", "rope-orig-ctx")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,rope-factor=4", "llama", "need rope-scaling")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,tied=0", "gemma2", "tied")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300", "qwen3moe", "experts=")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,experts=4,experts-used=8,expert-ffn=64", "qwen3moe", "experts-used")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,window=0", "gemma2", "window=0")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300,long-rope=2", "phi3", "'long-rope=2' needs 0 or 1")]
    [InlineData("d=64,layers=1,heads=2,ffn=64,vocab=300", "mamba", "mamba")]
    public void Parse_WhatTheArchitectureDoesNotTake_IsRefusedByName(string text, string arch, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelShape.Parse(text, arch));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnalignedWidths_SayTheyMustBeMultiplesOf32()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelShape.Parse("d=256,layers=1,heads=4,head-dim=36,ffn=512,vocab=300", "qwen3"));
        Assert.Contains("heads·head-dim=144", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ModelShape.Parse("d=256,layers=1,heads=4,ffn=512,vocab=300,experts=4,experts-used=2,expert-ffn=100", "qwen3moe"));
        Assert.Contains("expert-ffn=100", e.Message, StringComparison.Ordinal);
        Assert.Contains("multiples of 32", e.Message, StringComparison.Ordinal);
    }
}

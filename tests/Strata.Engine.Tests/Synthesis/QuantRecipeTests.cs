// QuantRecipe's per-tensor types for the new architectures: llama-quantize's MoE, fused-QKV, router and tied-output rules.
using Strata.Engine.Synthesis;
using Strata.Kernels;

namespace Strata.Engine.Tests.Synthesis;

public sealed class QuantRecipeTests
{
    private static readonly ModelShape EightExperts = ModelShape.Parse(
        "d=256,layers=4,heads=4,kv-heads=2,head-dim=128,ffn=768,vocab=1000,experts=8,experts-used=2,expert-ffn=256", "qwen3moe");

    private static readonly ModelShape SixteenExperts = EightExperts with { Experts = 16 };

    [Theory]
    [InlineData("blk.1.attn_k.weight", 1, GgmlType.Q8_0)] // "for the 8-expert model, bumping this to Q8_0"
    [InlineData("blk.1.attn_v.weight", 1, GgmlType.Q8_0)]
    [InlineData("blk.1.attn_q.weight", 1, GgmlType.Q4_K)]
    [InlineData("blk.1.attn_output.weight", 1, GgmlType.Q5_0)] // llama-quantize: Q5_K, which Strata cannot write
    [InlineData("blk.1.ffn_gate_inp.weight", 1, GgmlType.F32)]
    [InlineData("blk.2.ffn_down_exps.weight", 2, GgmlType.Q6_K)] // use_more_bits(2, 4)
    [InlineData("blk.1.ffn_down_exps.weight", 1, GgmlType.Q4_K)]
    [InlineData("blk.1.ffn_gate_exps.weight", 1, GgmlType.Q4_K)]
    public void TypeFor_Q4KM_EightExperts(string tensor, int layer, GgmlType expected) =>
        Assert.Equal(expected, QuantRecipe.Parse("q4_k_m").TypeFor(tensor, layer, 256, EightExperts));

    [Theory]
    [InlineData("blk.3.attn_v.weight", 3, GgmlType.Q6_K)] // use_more_bits(i, 4): layers 2 and 3
    [InlineData("blk.1.attn_v.weight", 1, GgmlType.Q4_K)]
    [InlineData("blk.1.attn_k.weight", 1, GgmlType.Q4_K)]
    [InlineData("blk.1.attn_output.weight", 1, GgmlType.Q4_K)]
    public void TypeFor_Q4KM_SixteenExperts_NoEightExpertBumps(string tensor, int layer, GgmlType expected) =>
        Assert.Equal(expected, QuantRecipe.Parse("q4_k_m").TypeFor(tensor, layer, 256, SixteenExperts));

    [Theory]
    [InlineData("q4_0", "blk.0.attn_v.weight", GgmlType.Q8_0)]
    [InlineData("q4_0", "blk.0.attn_q.weight", GgmlType.Q4_0)]
    [InlineData("f16", "blk.0.ffn_gate_inp.weight", GgmlType.F32)]
    [InlineData("q8_0", "blk.0.ffn_gate_inp.weight", GgmlType.F32)]
    [InlineData("q4_0-pure", "blk.0.attn_v.weight", GgmlType.Q4_0)]
    public void TypeFor_OtherRecipes_EightExperts(string recipe, string tensor, GgmlType expected) =>
        Assert.Equal(expected, QuantRecipe.Parse(recipe).TypeFor(tensor, 0, 256, EightExperts));

    [Theory]
    [InlineData(2, GgmlType.Q6_K)] // attn_qkv counts as attn_v (category_is_attn_v), so Q4_K_M gives it Q6_K in use_more_bits layers
    [InlineData(1, GgmlType.Q4_K)]
    public void TypeFor_Q4KM_FusedQkv_FollowsAttnV(int layer, GgmlType expected)
    {
        var phi3 = ModelShape.Parse("d=256,layers=4,heads=8,ffn=768,vocab=1000", "phi3");
        Assert.Equal(expected, QuantRecipe.Parse("q4_k_m").TypeFor($"blk.{layer}.attn_qkv.weight", layer, 256, phi3));
    }

    [Theory]
    [InlineData(256, GgmlType.Q6_K)]
    [InlineData(1152, GgmlType.Q8_0)] // Gemma-3-1B's width is not a multiple of 256
    public void TypeFor_Q4KM_GemmaTiedEmbedding_IsTypedAsTheOutput(int dim, GgmlType expected) =>
        Assert.Equal(expected, QuantRecipe.Parse("q4_k_m").TypeFor("token_embd.weight", -1, dim, ModelShape.Gemma3_1B));
}

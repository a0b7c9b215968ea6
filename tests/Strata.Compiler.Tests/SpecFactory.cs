// Builds DecoderSpecs with a full, consistent tensor catalogue (no file needed): the compiler only reads shapes.
using Strata.Compiler.Builders;
using Strata.Kernels;

namespace Strata.Compiler.Tests;

internal static class SpecFactory
{
    /// <summary>Options of the kernel-plan tests: 160 token rows (past the outer-product threshold of 128), 4 output rows.</summary>
    public static readonly Lowering.CompileOptions PlanOptions = new(MaxBatchTokens: 160, MaxOutputRows: 4, WeightsIdentity: "sha-a",
        KernelIsa: KernelIsa.Active);

    public static DecoderSpec Llama(int layers = 2, int dim = 64, int heads = 8, int kvHeads = 4, int ffn = 172, int vocab = 512,
        bool tiedOutput = false, bool qkvBias = false, GgmlType matrixType = GgmlType.Q8_0)
    {
        int headDim = dim / heads;
        int kvDim = kvHeads * headDim;
        var tensors = new Dictionary<string, TensorDescriptor>(StringComparer.Ordinal);
        void Add(string name, GgmlType type, params long[] dims) => tensors[name] = new TensorDescriptor(name, type, dims);
        Add("token_embd.weight", matrixType, dim, vocab);
        Add("output_norm.weight", GgmlType.F32, dim);
        if (!tiedOutput)
        {
            Add("output.weight", matrixType, dim, vocab);
        }

        for (int l = 0; l < layers; l++)
        {
            string p = $"blk.{l}.";
            Add(p + "attn_norm.weight", GgmlType.F32, dim);
            Add(p + "attn_q.weight", matrixType, dim, dim);
            Add(p + "attn_k.weight", matrixType, dim, kvDim);
            Add(p + "attn_v.weight", matrixType, dim, kvDim);
            Add(p + "attn_output.weight", matrixType, dim, dim);
            Add(p + "ffn_norm.weight", GgmlType.F32, dim);
            Add(p + "ffn_gate.weight", GgmlType.F32, dim, ffn);
            Add(p + "ffn_up.weight", GgmlType.F32, dim, ffn);
            Add(p + "ffn_down.weight", GgmlType.F32, ffn, dim);
            if (qkvBias)
            {
                Add(p + "attn_q.bias", GgmlType.F32, dim);
                Add(p + "attn_k.bias", GgmlType.F32, kvDim);
                Add(p + "attn_v.bias", GgmlType.F32, kvDim);
            }
        }

        return new DecoderSpec(qkvBias ? "qwen2" : "llama", "test", dim, layers, heads, kvHeads, headDim, ffn, vocab, 512, 1e-5f,
            new RopeSpec(headDim, 10000f, qkvBias ? RopeMode.NeoX : RopeMode.Normal), tensors);
    }

    public static DecoderSpec Without(DecoderSpec spec, string tensor)
    {
        var tensors = new Dictionary<string, TensorDescriptor>(spec.Tensors, StringComparer.Ordinal);
        tensors.Remove(tensor);
        return spec with { Tensors = tensors };
    }

    public static DecoderSpec With(DecoderSpec spec, TensorDescriptor tensor)
    {
        var tensors = new Dictionary<string, TensorDescriptor>(spec.Tensors, StringComparer.Ordinal) { [tensor.Name] = tensor };
        return spec with { Tensors = tensors };
    }
}

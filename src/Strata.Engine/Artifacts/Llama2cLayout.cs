// The order and sizes of run.c's f32 weight arrays, mapped to GGUF tensor names.
using Strata.Compiler.Builders;
using Strata.Kernels;

namespace Strata.Engine.Artifacts;

/// <summary>Computes each tensor's offset in a llama2.c checkpoint (run.c memory_map_weights).</summary>
internal readonly record struct Llama2cLayout(int Dim, int Hidden, int Layers, int KvDim, int Vocab, int SeqLen, int HeadDim)
{
    /// <summary>
    /// Where the weights end, computed without placing them: Int128 cannot overflow for header values up to 2^20 (a long
    /// can), and a header claiming 2^20 layers must be rejected before 9 × 2^20 tensors are catalogued.
    /// </summary>
    public Int128 End(long start, bool shared)
    {
        Int128 perLayer = 2 * (Int128)Dim                  // attn_norm, ffn_norm
            + (Int128)Dim * Dim * 2 + (Int128)Dim * KvDim * 2 // q, o, k, v
            + (Int128)Dim * Hidden * 3;                        // gate, down, up
        Int128 floats = (Int128)Dim * Vocab * (shared ? 1 : 2) + perLayer * Layers + Dim + 2 * (Int128)SeqLen * (HeadDim / 2);
        return start + floats * sizeof(float);
    }

    public (Dictionary<string, long> Offsets, Dictionary<string, TensorDescriptor> Tensors, long End) Place(long start, bool shared)
    {
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, TensorDescriptor>(StringComparer.Ordinal);
        long at = start;
        int layers = Layers;
        void Global(string name, long cols, long rows)
        {
            offsets[name] = at;
            tensors[name] = new TensorDescriptor(name, GgmlType.F32, rows == 1 ? [cols] : [cols, rows]);
            at += cols * rows * sizeof(float);
        }

        void PerLayer(string suffix, long cols, long rows)
        {
            for (int l = 0; l < layers; l++)
            {
                Global($"blk.{l}.{suffix}", cols, rows);
            }
        }

        Global("token_embd.weight", Dim, Vocab);
        PerLayer("attn_norm.weight", Dim, 1);
        PerLayer("attn_q.weight", Dim, Dim);
        PerLayer("attn_k.weight", Dim, KvDim);
        PerLayer("attn_v.weight", Dim, KvDim);
        PerLayer("attn_output.weight", Dim, Dim);
        PerLayer("ffn_norm.weight", Dim, 1);
        PerLayer("ffn_gate.weight", Dim, Hidden);
        PerLayer("ffn_down.weight", Hidden, Dim);
        PerLayer("ffn_up.weight", Dim, Hidden);
        Global("output_norm.weight", Dim, 1);
        at += 2L * SeqLen * (HeadDim / 2) * sizeof(float); // freq_cis_real and freq_cis_imag: RoPE is computed, not read
        if (!shared)
        {
            Global("output.weight", Dim, Vocab);
        }

        return (offsets, tensors, at);
    }
}

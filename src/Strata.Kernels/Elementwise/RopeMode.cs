// RoPE pairing modes, numbered like ggml's rope modes.
namespace Strata.Kernels;

/// <summary>RoPE pairing: adjacent pairs (llama, NORM) or halves (NeoX).</summary>
public enum RopeMode
{
    /// <summary>Rotate (x[2i], x[2i+1]) — ggml mode 0, llama.</summary>
    Normal = 0,
    /// <summary>Rotate (x[i], x[i + n/2]) — ggml mode 2, NeoX / qwen2.</summary>
    NeoX = 2,
}

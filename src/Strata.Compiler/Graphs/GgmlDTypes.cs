// The GGML tensor types a decoder weight may have, as graph element types, and back (GGUF weights keep their block format).
using Strata.Kernels;

namespace Strata.Compiler.Graphs;

/// <summary><see cref="GgmlType"/> ↔ <see cref="DType"/>.</summary>
public static class GgmlDTypes
{
    /// <summary>Offset of the GGML block types in <see cref="DType"/>'s numbering.</summary>
    private const int BlockBase = 1000;

    /// <summary>The element type of a GGML tensor type: F32, F16 and BF16 map to themselves, block types to DType.Ggml*.</summary>
    /// <exception cref="CompileException">a GGML type Strata's kernels cannot run</exception>
    public static DType FromGgml(GgmlType type) => type switch
    {
        GgmlType.F32 => DType.F32,
        GgmlType.F16 => DType.F16,
        GgmlType.BF16 => DType.BF16,
        _ when GgmlTypeInfo.IsComputable(type) => (DType)(BlockBase + (int)type),
        _ => throw new CompileException($"GGML type {type} has no graph element type (Strata's kernels cannot run it)"),
    };

    /// <summary>The GGML tensor type of <paramref name="type"/>, when it is one.</summary>
    public static bool TryToGgml(DType type, out GgmlType ggml)
    {
        ggml = type switch
        {
            DType.F32 => GgmlType.F32,
            DType.F16 => GgmlType.F16,
            DType.BF16 => GgmlType.BF16,
            >= DType.GgmlQ4_0 and <= DType.GgmlQ8_K => (GgmlType)((int)type - BlockBase),
            _ => (GgmlType)uint.MaxValue,
        };
        return ggml != (GgmlType)uint.MaxValue && GgmlTypeInfo.IsComputable(ggml);
    }
}

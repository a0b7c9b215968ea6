// Block geometry (elements and bytes per block) of every ggml tensor type.
namespace Strata.Kernels;

/// <summary>Block geometry of every type.</summary>
public static class GgmlTypeInfo
{
    /// <summary>Elements per block (1 for plain types, 32 for Q4_0…Q8_1, 256 for K-quants).</summary>
    /// <exception cref="ArgumentException">The type id is not one this library knows.</exception>
    public static int BlockElements(GgmlType type) => type switch
    {
        GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.I8 or GgmlType.I16 or GgmlType.I32
            or GgmlType.I64 or GgmlType.F64 => 1,
        GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q8_0 or GgmlType.Q8_1 => 32,
        GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K or GgmlType.Q8_K => 256,
        _ => throw Unknown(type),
    };

    /// <summary>Bytes per block.</summary>
    /// <exception cref="ArgumentException">The type id is not one this library knows.</exception>
    public static int BlockBytes(GgmlType type) => type switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 => 2,
        GgmlType.BF16 => 2,
        GgmlType.Q4_0 => 18,
        GgmlType.Q4_1 => 20,
        GgmlType.Q5_0 => 22,
        GgmlType.Q5_1 => 24,
        GgmlType.Q8_0 => 34,
        GgmlType.Q8_1 => 36,
        GgmlType.Q2_K => 84,
        GgmlType.Q3_K => 110,
        GgmlType.Q4_K => 144,
        GgmlType.Q5_K => 176,
        GgmlType.Q6_K => 210,
        GgmlType.Q8_K => 292,
        GgmlType.I8 => 1,
        GgmlType.I16 => 2,
        GgmlType.I32 => 4,
        GgmlType.I64 => 8,
        GgmlType.F64 => 8,
        _ => throw Unknown(type),
    };

    /// <summary>Bytes for a row of <paramref name="elements"/> (must be a block multiple).</summary>
    /// <exception cref="ArgumentException">elements is negative or not a multiple of the block size, or the type is unknown.</exception>
    public static long RowBytes(GgmlType type, long elements)
    {
        int be = BlockElements(type);
        if (elements < 0 || elements % be != 0)
        {
            throw new ArgumentException(
                $"A {type} row must hold a non-negative multiple of {be} elements; got {elements}.", nameof(elements));
        }

        return elements / be * BlockBytes(type);
    }

    /// <summary>True when the type's layout is known (the reader can size it).</summary>
    public static bool IsKnown(GgmlType type) => type switch
    {
        GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0
            or GgmlType.Q5_1 or GgmlType.Q8_0 or GgmlType.Q8_1 or GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K
            or GgmlType.Q5_K or GgmlType.Q6_K or GgmlType.Q8_K or GgmlType.I8 or GgmlType.I16 or GgmlType.I32
            or GgmlType.I64 or GgmlType.F64 => true,
        _ => false,
    };

    /// <summary>True when Dequantize/Dot/MatMul support the type.</summary>
    public static bool IsComputable(GgmlType type) => type switch
    {
        GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0
            or GgmlType.Q5_1 or GgmlType.Q8_0 or GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K or GgmlType.Q5_K
            or GgmlType.Q6_K or GgmlType.Q8_K => true,
        _ => false,
    };

    private static ArgumentException Unknown(GgmlType type) =>
        new($"Unknown ggml type id {(uint)type}.", nameof(type));
}

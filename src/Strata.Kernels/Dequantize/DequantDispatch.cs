// Pointer-level dispatch of dequantize and dot to the AVX-512 or Vector256 block kernels, or to the scalar reference.
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Strata.Kernels;

/// <summary>
/// Unchecked pointer entry points used by Quant, MatMul and the tests. Arguments are validated by callers. The widest
/// path that <see cref="KernelIsa"/> enables runs; the width-specific methods let the tests compare every path.
/// </summary>
internal static unsafe class DequantDispatch
{
    /// <summary>Largest sums table (floats) kept on the stack by <see cref="Dot512"/>.</summary>
    private const int StackSums = 6144;

    /// <summary>True when a SIMD path runs; otherwise the scalar reference does the work.</summary>
    public static bool SimdEnabled => KernelIsa.Use512 || KernelIsa.Use256;

    /// <summary>Dequantizes n elements (a block multiple) of a row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dequantize(GgmlType type, byte* src, float* dst, int n)
    {
        switch (type)
        {
            case GgmlType.F32:
                Buffer.MemoryCopy(src, dst, (long)n * 4, (long)n * 4);
                return;
            case GgmlType.F16:
                FloatDots.Widen16((ushort*)src, dst, n, brain: false);
                return;
            case GgmlType.BF16:
                FloatDots.Widen16((ushort*)src, dst, n, brain: true);
                return;
        }

        if (KernelIsa.Use512)
        {
            Dequantize512(type, src, dst, n);
        }
        else if (KernelIsa.Use256)
        {
            Dequantize256(type, src, dst, n);
        }
        else
        {
            DequantizeScalar(type, src, dst, n);
        }
    }

    /// <summary>Dot of n elements (a block multiple) of a quantized row with x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(GgmlType type, byte* row, float* x, int n)
    {
        switch (type)
        {
            case GgmlType.F32:
                return FloatDots.Dot((float*)row, x, n);
            case GgmlType.F16:
                return FloatDots.Dot16((ushort*)row, x, n, brain: false);
            case GgmlType.BF16:
                return FloatDots.Dot16((ushort*)row, x, n, brain: true);
        }

        return KernelIsa.Use512 ? Dot512(type, row, x, n)
            : KernelIsa.Use256 ? Dot256(type, row, x, n)
            : DotScalar(type, row, x, n);
    }

    /// <summary>Scalar reference dequantization (quant types only).</summary>
    public static void DequantizeScalar(GgmlType type, byte* src, float* dst, int n)
    {
        long bytes = GgmlTypeInfo.RowBytes(type, n);
        DequantReference.DequantizeRow(type, new ReadOnlySpan<byte>(src, (int)bytes), new Span<float>(dst, n));
    }

    /// <summary>Vector256 dequantization (quant types only; requires <see cref="KernelIsa.Use256"/>).</summary>
    public static void Dequantize256(GgmlType type, byte* src, float* dst, int n)
    {
        StoreSink sink = new() { Dst = dst };
        DequantRows.Decode(type, src, n, ref sink);
    }

    /// <summary>AVX-512 dequantization (quant types only; requires <see cref="KernelIsa.Use512"/>).</summary>
    public static void Dequantize512(GgmlType type, byte* src, float* dst, int n)
    {
        StoreSink512 sink = new() { Dst = dst };
        DequantRows512.Decode(type, src, n, ref sink);
    }

    /// <summary>Scalar reference dot in double, rounded to f32 (quant types only).</summary>
    public static float DotScalar(GgmlType type, byte* row, float* x, int n)
    {
        long bytes = GgmlTypeInfo.RowBytes(type, n);
        return (float)DequantReference.DotDouble(type, new ReadOnlySpan<byte>(row, (int)bytes), new ReadOnlySpan<float>(x, n));
    }

    /// <summary>Vector256 dot (quant types only; requires <see cref="KernelIsa.Use256"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot256(GgmlType type, byte* row, float* x, int n)
    {
        DotSink sink = new() { X = x };
        DequantRows.Decode(type, row, n, ref sink);
        return sink.Sum();
    }

    /// <summary>AVX-512 dot (quant types only; requires <see cref="KernelIsa.Use512"/>); builds the Σx table itself.</summary>
    public static float Dot512(GgmlType type, byte* row, float* x, int n)
    {
        delegate*<byte*, float*, float*, int, float> kernel = Dot512Kernel(type);
        if (!NeedsSums(type) || n == 0)
        {
            return kernel(row, x, null, n);
        }

        int length = ActivationSums.Length(n);
        if (length <= StackSums)
        {
            float* sums = stackalloc float[length];
            ActivationSums.Compute(x, n, sums);
            return kernel(row, x, sums, n);
        }

        float[] rented = ArrayPool<float>.Shared.Rent(length);
        try
        {
            fixed (float* sums = rented)
            {
                ActivationSums.Compute(x, n, sums);
                return kernel(row, x, sums, n);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>True when the type's AVX-512 dot reads the <see cref="ActivationSums"/> table (types with a minimum).</summary>
    public static bool NeedsSums(GgmlType type) =>
        type is GgmlType.Q4_1 or GgmlType.Q5_1 or GgmlType.Q2_K or GgmlType.Q4_K or GgmlType.Q5_K;

    /// <summary>The AVX-512 row dot of a quant type: (row, x, sums table, n) → row · x.</summary>
    /// <exception cref="ArgumentException">The type is not a computable quant type.</exception>
    public static delegate*<byte*, float*, float*, int, float> Dot512Kernel(GgmlType type) => type switch
    {
        GgmlType.Q4_0 => &LegacyQuantDots512.Q4_0,
        GgmlType.Q4_1 => &LegacyQuantDots512.Q4_1,
        GgmlType.Q5_0 => &LegacyQuantDots512.Q5_0,
        GgmlType.Q5_1 => &LegacyQuantDots512.Q5_1,
        GgmlType.Q8_0 => &LegacyQuantDots512.Q8_0,
        GgmlType.Q2_K => &KQuantDots512.Q2K,
        GgmlType.Q3_K => &KQuantDots512.Q3K,
        GgmlType.Q4_K => &KQuantDots512.Q4K,
        GgmlType.Q5_K => &KQuantDots512.Q5K,
        GgmlType.Q6_K => &KQuantDots512.Q6K,
        GgmlType.Q8_K => &KQuantDots512.Q8K,
        _ => throw new ArgumentException($"Type {type} is not computable.", nameof(type)),
    };
}

// Dispatch of the integer weight·activation row dots (MatMulInt8) to the AVX-512, AVX2 or scalar reference kernels.
using System.Runtime.Intrinsics.X86;

namespace Strata.Kernels;

/// <summary>
/// Row dot kernels (weight row, quantized activation row, cols) → f32. The widest path <see cref="KernelIsa"/> enables is
/// returned by <see cref="Kernel"/>; the width-specific getters let the tests compare every path.
/// </summary>
internal static unsafe class IntDotDispatch
{
    /// <summary>True when the AVX2 kernels can run (and AVX-512 is off or absent).</summary>
    public static bool Use256 => KernelIsa.Use256 && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>The widest enabled row dot for <paramref name="type"/>.</summary>
    public static delegate*<byte*, byte*, int, float> Kernel(GgmlType type) =>
        KernelIsa.Use512 ? Kernel512(type) : Use256 ? Kernel256(type) : KernelScalar(type);

    /// <summary>AVX-512 row dot (requires <see cref="KernelIsa.Use512"/>).</summary>
    public static delegate*<byte*, byte*, int, float> Kernel512(GgmlType type) => type switch
    {
        GgmlType.Q8_0 => &IntDots512.Q8_0,
        GgmlType.Q4_0 => &IntDots512.Q4_0,
        GgmlType.Q5_0 => &IntDots512.Q5_0,
        GgmlType.Q4_K => &IntKDots512.Q4K,
        GgmlType.Q5_K => &IntKDots512.Q5K,
        GgmlType.Q6_K => &IntKDots512.Q6K,
        _ => throw Unsupported(type),
    };

    /// <summary>AVX2 row dot (requires <see cref="Use256"/>).</summary>
    public static delegate*<byte*, byte*, int, float> Kernel256(GgmlType type) => type switch
    {
        GgmlType.Q8_0 => &IntDots256.Q8_0,
        GgmlType.Q4_0 => &IntDots256.Q4_0,
        GgmlType.Q5_0 => &IntDots256.Q5_0,
        GgmlType.Q4_K => &IntKDots256.Q4K,
        GgmlType.Q5_K => &IntKDots256.Q5K,
        GgmlType.Q6_K => &IntKDots256.Q6K,
        _ => throw Unsupported(type),
    };

    /// <summary>The scalar reference <see cref="IntDotReference.Dot"/> behind the same pointer signature.</summary>
    public static delegate*<byte*, byte*, int, float> KernelScalar(GgmlType type) => type switch
    {
        GgmlType.Q8_0 => &ScalarQ8_0,
        GgmlType.Q4_0 => &ScalarQ4_0,
        GgmlType.Q5_0 => &ScalarQ5_0,
        GgmlType.Q4_K => &ScalarQ4K,
        GgmlType.Q5_K => &ScalarQ5K,
        GgmlType.Q6_K => &ScalarQ6K,
        _ => throw Unsupported(type),
    };

    private static ArgumentException Unsupported(GgmlType type) => new($"{type} has no integer dot", nameof(type));

    private static float Scalar(GgmlType type, byte* w, byte* x, int cols) => IntDotReference.Dot(type,
        new ReadOnlySpan<byte>(w, (int)GgmlTypeInfo.RowBytes(type, cols)),
        new ReadOnlySpan<byte>(x, (int)ActivationQuant.RowBytes(type, cols)), cols);

    private static float ScalarQ8_0(byte* w, byte* x, int cols) => Scalar(GgmlType.Q8_0, w, x, cols);

    private static float ScalarQ4_0(byte* w, byte* x, int cols) => Scalar(GgmlType.Q4_0, w, x, cols);

    private static float ScalarQ5_0(byte* w, byte* x, int cols) => Scalar(GgmlType.Q5_0, w, x, cols);

    private static float ScalarQ4K(byte* w, byte* x, int cols) => Scalar(GgmlType.Q4_K, w, x, cols);

    private static float ScalarQ5K(byte* w, byte* x, int cols) => Scalar(GgmlType.Q5_K, w, x, cols);

    private static float ScalarQ6K(byte* w, byte* x, int cols) => Scalar(GgmlType.Q6_K, w, x, cols);
}

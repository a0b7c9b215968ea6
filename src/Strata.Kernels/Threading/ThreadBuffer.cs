// Per-thread pinned scratch that grows once and is never freed: the kernels' allocation-free working memory.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Strata.Kernels;

/// <summary>
/// Grow-once pinned arrays behind [ThreadStatic] slots. A product's prepared activations live in the calling thread's
/// <see cref="Activations"/> (filled before the pool runs and read by every thread); per-part working memory (split or
/// prepared weights) lives in each thread's own <see cref="Weights"/>, so the two never alias on the calling thread.
/// </summary>
internal static unsafe class ThreadBuffer
{
    [ThreadStatic]
    private static byte[]? t_activations;

    [ThreadStatic]
    private static byte[]? t_weights;

    /// <summary>The calling thread's prepared-activation buffer of at least bytes bytes.</summary>
    public static byte* Activations(int bytes) => Get(ref t_activations, bytes, 16384);

    /// <summary>The calling thread's per-part weight buffer of at least bytes bytes.</summary>
    public static byte* Weights(int bytes) => Get(ref t_weights, bytes, 16384);

    /// <summary>The slot's array, grown (pinned, uninitialized) to at least max(length, minimum) elements first.</summary>
    public static T* Get<T>(ref T[]? slot, int length, int minimum) where T : unmanaged
    {
        T[]? a = slot;
        if (a is null || a.Length < length)
        {
            a = GC.AllocateUninitializedArray<T>(Math.Max(length, minimum), pinned: true);
            slot = a;
        }

        return (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(a));
    }
}

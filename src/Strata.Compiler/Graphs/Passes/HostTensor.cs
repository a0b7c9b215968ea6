// A small tensor the constant evaluator computes on: integers (i64, i32, bool) as longs, floats as floats, row-major.
namespace Strata.Compiler.Graphs.Passes;

/// <summary>A host-side tensor for constant folding; exactly one of <see cref="Ints"/> and <see cref="Floats"/> is set.</summary>
internal sealed record HostTensor(DType Type, long[] Dims, long[]? Ints, float[]? Floats)
{
    /// <summary>Most elements a folded tensor may have (weights are never folded here).</summary>
    public const int MaxElements = 1 << 16;

    public int Count => Ints?.Length ?? Floats!.Length;

    public bool IsFloat => Floats is not null;

    public static bool IsIntegral(DType type) => type is DType.I64 or DType.I32 or DType.Bool;

    public static bool TryFrom(TensorData data, out HostTensor tensor)
    {
        tensor = null!;
        if (data.ElementCount > MaxElements || !(data.Type == DType.F32 || IsIntegral(data.Type)))
        {
            return false;
        }

        long[] dims = [.. data.Dims];
        if (data.Type == DType.F32)
        {
            tensor = new(DType.F32, dims, null, data.As<float>().ToArray());
            return true;
        }

        var ints = new long[data.ElementCount];
        for (int i = 0; i < ints.Length; i++)
        {
            ints[i] = data.Type switch
            {
                DType.I64 => data.As<long>()[i],
                DType.I32 => data.As<int>()[i],
                _ => data.Bytes[i] != 0 ? 1 : 0,
            };
        }

        tensor = new(data.Type, dims, ints, null);
        return true;
    }

    public TensorData ToData()
    {
        switch (Type)
        {
            case DType.F32:
                return TensorData.FromFloats(Dims, Floats);
            case DType.I64:
                return TensorData.FromInt64s(Dims, Ints);
            case DType.I32:
                var ints = new int[Ints!.Length];
                for (int i = 0; i < ints.Length; i++)
                {
                    ints[i] = checked((int)Ints[i]);
                }

                return TensorData.Copy(DType.I32, Dims, System.Runtime.InteropServices.MemoryMarshal.AsBytes(ints.AsSpan()));
            default:
                var bytes = new byte[Ints!.Length];
                for (int i = 0; i < bytes.Length; i++)
                {
                    bytes[i] = Ints[i] != 0 ? (byte)1 : (byte)0;
                }

                return TensorData.Copy(DType.Bool, Dims, bytes);
        }
    }

    /// <summary>This tensor's elements moved to new places: element i of the result is element <paramref name="source"/>(i) of this.</summary>
    public HostTensor Gather(long[] dims, Func<long, long> source)
    {
        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
        }

        if (Floats is not null)
        {
            var floats = new float[count];
            for (long i = 0; i < count; i++)
            {
                floats[i] = Floats[source(i)];
            }

            return new(Type, dims, null, floats);
        }

        var ints = new long[count];
        for (long i = 0; i < count; i++)
        {
            ints[i] = Ints![source(i)];
        }

        return new(Type, dims, ints, null);
    }
}

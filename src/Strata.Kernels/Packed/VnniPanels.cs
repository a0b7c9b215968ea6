// The VNNI panel formats by weight type: the one place that says which kernels, block sizes and activation rows a type takes.
namespace Strata.Kernels;

/// <summary>
/// What a matrix packed into <see cref="Q8Layout.Vnni"/> panels of 32 weight rows needs, by weight type: Q8_0
/// (<see cref="Q8Vnni"/>), Q4_0 and Q5_0 (<see cref="Q4Vnni"/>), Q4_K and Q5_K (<see cref="Q4KVnni"/>), Q6_K (<see cref="Q6KVnni"/>). Every format keeps the raw
/// matrix's size and one arithmetic for every row count (batch invariant by construction).
/// </summary>
internal static unsafe class VnniPanels
{
    /// <summary>True where a <paramref name="type"/> matrix <paramref name="cols"/> wide can be packed into panels on this CPU.</summary>
    public static bool Applies(GgmlType type, int cols) => type switch
    {
        GgmlType.Q8_0 => Q8Vnni.Supported && cols >= 32 && cols % 32 == 0,
        GgmlType.Q4_0 or GgmlType.Q5_0 => Q4Vnni.Applies(type, cols),
        GgmlType.Q4_K or GgmlType.Q5_K => Q4KVnni.Applies(type, cols),
        GgmlType.Q6_K => Q6KVnni.Applies(type, cols),
        _ => false,
    };

    /// <summary>Blocks of one weight row the kernels step over: 32-element blocks, or 256-element super-blocks for K-quants.</summary>
    public static int Blocks(GgmlType type, int cols) => type is GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K ? cols / 256 : cols / 32;

    /// <summary>Bytes of one packed block of a 32-row panel.</summary>
    public static int BlockBytes(GgmlType type) => type switch
    {
        GgmlType.Q8_0 => Q8Vnni.PanelBlockBytes,
        GgmlType.Q4_K or GgmlType.Q5_K => Q4KVnni.BlockBytes(type),
        GgmlType.Q6_K => Q6KVnni.BlockBytes,
        _ => Q4Vnni.BlockBytes(type),
    };

    /// <summary>Bytes of the packed copy of a rows × cols matrix.</summary>
    public static long PackedBytes(GgmlType type, int rows, int cols) => (long)Q8Vnni.Panels(rows) * Blocks(type, cols) * BlockBytes(type);

    /// <summary>Most activation rows one micro-kernel call of the type takes.</summary>
    public static int MaxRows(GgmlType type) => type switch
    {
        GgmlType.Q8_0 => Q8Vnni.MaxRows,
        GgmlType.Q4_K or GgmlType.Q5_K => Q4KVnni.MaxRows,
        GgmlType.Q6_K => Q6KVnni.MaxRows,
        _ => Q4Vnni.MaxRows,
    };

    /// <summary>Bytes of one prepared activation row of the type's kernels.</summary>
    public static int RowBytes(GgmlType type, int cols) => type switch
    {
        GgmlType.Q4_K or GgmlType.Q5_K => Q4KVnni.RowBytes(cols),
        GgmlType.Q6_K => Q6KVnni.RowBytes(cols),
        _ => Q8Vnni.RowBytes(cols),
    };

    /// <summary>Prepares n activation rows (the type's 8-bit activation rows, srcRowBytes apart) into dst, rows <see cref="RowBytes"/> apart.</summary>
    public static void Prepare(GgmlType type, byte* src, nint srcRowBytes, int n, int cols, byte* dst)
    {
        switch (type)
        {
            case GgmlType.Q4_K or GgmlType.Q5_K:
                Q4KVnni.Prepare(src, srcRowBytes, n, cols, dst);
                break;
            case GgmlType.Q6_K:
                Q6KVnni.Prepare(src, srcRowBytes, n, cols, dst);
                break;
            case GgmlType.Q8_0:
                Q8Vnni.Prepare(src, srcRowBytes, n, cols, dst, 128);
                break;
            default:
                Q8Vnni.Prepare(src, srcRowBytes, n, cols, dst, Q4Vnni.Offset(type));
                break;
        }
    }

    /// <summary>The type's micro-kernel for 1 … <see cref="MaxRows"/> activation rows: (w, x, xStride, blocks, y, yStride).</summary>
    public static delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nint, nint, float*, nint, void> Kernel(GgmlType type, int rows) => type switch
    {
        GgmlType.Q8_0 => Q8Vnni.Kernel(rows),
        GgmlType.Q4_K or GgmlType.Q5_K => Q4KVnni.Kernel(rows, type == GgmlType.Q5_K),
        GgmlType.Q6_K => Q6KVnni.Kernel(rows),
        _ => Q4Vnni.Kernel(rows, type == GgmlType.Q5_0),
    };

    /// <summary>Packs panels [p0, p1) of the matrix (raw rows rowBytes apart) into dst (<see cref="PackedBytes"/> in all).</summary>
    public static void Pack(GgmlType type, byte* raw, nint rowBytes, int rows, int cols, int p0, int p1, byte* dst)
    {
        switch (type)
        {
            case GgmlType.Q8_0:
                Q8Vnni.Pack(raw, rowBytes, rows, cols, p0, p1, dst);
                break;
            case GgmlType.Q4_K or GgmlType.Q5_K:
                Q4KVnni.Pack(type, raw, rowBytes, rows, cols, p0, p1, dst);
                break;
            case GgmlType.Q6_K:
                Q6KVnni.Pack(raw, rowBytes, rows, cols, p0, p1, dst);
                break;
            default:
                Q4Vnni.Pack(type, raw, rowBytes, rows, cols, p0, p1, dst);
                break;
        }
    }
    /// <summary>
    /// A panel format's micro-kernels placed in executable pages: for each of <paramref name="variants"/> variants v and
    /// row counts 1 … <paramref name="maxRows"/>, <paramref name="generate"/>(rows, v) at index v · maxRows + rows. All zero
    /// where <see cref="Q8Vnni.Supported"/> is false or the pages are refused (the format's Supported then reads false).
    /// </summary>
    internal static nint[] Assemble(int maxRows, int variants, Func<int, int, byte[]> generate)
    {
        var kernels = new nint[(variants * maxRows) + 1];
        if (!Q8Vnni.Supported)
        {
            return kernels;
        }

        try
        {
            for (int v = 0; v < variants; v++)
            {
                for (int rows = 1; rows <= maxRows; rows++)
                {
                    kernels[(v * maxRows) + rows] = Jit.ExecutableCode.Place(generate(rows, v));
                }
            }
        }
        catch (InvalidOperationException)
        {
            Array.Clear(kernels);
        }

        return kernels;
    }
}

// The last activation rows of a product (fewer than a tile's four) as a zero-padded group, so they take the tile's arithmetic.
namespace Strata.Kernels;

/// <summary>
/// A tile kernel computes each (weight row, activation row) pair with its own accumulator, so a row's result does not
/// depend on the rows beside it in the tile. Running the last 1–3 activation rows through the tile as a group padded with
/// zero rows (zero scales and quants, so finite zeros) gives them exactly the full tiles' arithmetic: a row's result is
/// then the same whatever the product's row count, decode (one row) included.
/// </summary>
internal static unsafe class TileGroup
{
    /// <summary>Rows in a tile group.</summary>
    public const int Rows = 4;

    /// <summary>Copies <paramref name="rows"/> (1–3) rows of rowBytes each from x into group, then zero rows up to four.</summary>
    public static void Pad(byte* x, nint rowBytes, int rows, byte* group)
    {
        Buffer.MemoryCopy(x, group, rows * rowBytes, rows * rowBytes);
        new Span<byte>(group + (rows * rowBytes), (int)((Rows - rows) * rowBytes)).Clear();
    }

    /// <summary>Copies the outputs of the group's real rows (row jj at tile + jj·4) to y, activation row jj at y + jj·yStride.</summary>
    public static void Scatter(float* tile, int rows, float* y, nint yStride)
    {
        for (int jj = 0; jj < rows; jj++)
        {
            for (int t = 0; t < Rows; t++)
            {
                y[(jj * yStride) + t] = tile[(jj * Rows) + t];
            }
        }
    }
}

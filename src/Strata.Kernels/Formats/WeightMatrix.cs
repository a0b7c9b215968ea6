// Descriptor of a row-major weight matrix living in mapped or pinned memory.
namespace Strata.Kernels;

/// <summary>A row-major weight matrix living in mapped or pinned memory: rows × cols elements of one type.</summary>
/// <param name="Type">element type</param>
/// <param name="Data">address of row 0</param>
/// <param name="Rows">rows</param>
/// <param name="Cols">elements per row</param>
/// <param name="Packed">
/// address of a <see cref="Q8Packed"/> copy of the same Q8_0 matrix, or 0: <see cref="MatMulInt8"/> reads it instead of
/// <see cref="Data"/>, which the other kernels (embedding rows, f32 products) keep reading
/// </param>
/// <param name="PackedLayout">the layout of <see cref="Packed"/>: <see cref="Q8Tile512"/>'s tiles or <see cref="Q8Vnni"/>'s panels</param>
/// <remarks>Each row is <see cref="GgmlTypeInfo.RowBytes"/>(Type, Cols) bytes; rows are contiguous.</remarks>
public readonly record struct WeightMatrix(GgmlType Type, nint Data, int Rows, int Cols, nint Packed = 0, Q8Layout PackedLayout = Q8Layout.Tile);

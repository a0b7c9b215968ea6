// Descriptor of a row-major weight matrix living in mapped or pinned memory.
namespace Strata.Kernels;

/// <summary>A row-major weight matrix living in mapped or pinned memory: rows × cols elements of one type.</summary>
/// <remarks>Each row is <see cref="GgmlTypeInfo.RowBytes"/>(Type, Cols) bytes; rows are contiguous.</remarks>
public readonly record struct WeightMatrix(GgmlType Type, nint Data, int Rows, int Cols);

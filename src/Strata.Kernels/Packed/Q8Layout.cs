// The layouts a packed Q8_0 weight copy can take: the integer tile's or the VNNI panels'.
namespace Strata.Kernels;

/// <summary>Layouts of a packed Q8_0 copy (<see cref="Q8Packed"/>).</summary>
public enum Q8Layout
{
    /// <summary><see cref="Q8Tile512.Pack"/>: interleaved block pairs per row, f32 scales after all quants.</summary>
    Tile,

    /// <summary><see cref="Q8Vnni.Pack"/>: 32-row panels for the AVX-512 VNNI micro-kernels.</summary>
    Vnni,
}

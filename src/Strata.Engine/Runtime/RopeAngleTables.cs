// cos/sin tables of a run's positions for the RoPEs of an executable, computed once per run and RoPE.
using Strata.Kernels;

namespace Strata.Engine.Runtime;

/// <summary>
/// Every layer rotates Q and K at the same positions: the angles are computed once per run and RoPE (Math.Pow and SinCos in
/// double were 3 % of a 16-row decode pass when computed per call), with exactly Rope.Apply's values. Two tables serve
/// Gemma's local and global layers, whose bases alternate, without recomputing at every layer; a third RoPE replaces the
/// older of the two.
/// </summary>
internal sealed class RopeAngleTables(int maxRows)
{
    private readonly Table[] _tables = [new(), new()];
    private int _next;

    /// <summary>Forgets the tables (a new run has new positions).</summary>
    public void Reset() => _tables[0].Key = _tables[1].Key = default;

    /// <summary>cos and sin (rows × Dims/2) of <paramref name="frequencies"/> with the factors of weight <paramref name="factorsId"/> at <paramref name="positions"/>.</summary>
    public (float[] Cos, float[] Sin) For(in RopeFrequencies frequencies, int factorsId, ReadOnlySpan<float> factors, ReadOnlySpan<int> positions)
    {
        var key = (frequencies, factorsId, positions.Length);
        var table = _tables[0].Key == key ? _tables[0] : _tables[1].Key == key ? _tables[1] : null;
        if (table is null)
        {
            table = _tables[_next];
            _next ^= 1;
            int half = frequencies.Dims / 2;
            if (table.Cos.Length < positions.Length * half)
            {
                table.Cos = new float[maxRows * half];
                table.Sin = new float[maxRows * half];
            }

            for (int r = 0; r < positions.Length; r++)
            {
                Rope.Angles(positions[r], in frequencies, factors, table.Cos.AsSpan(r * half, half), table.Sin.AsSpan(r * half, half));
            }

            table.Key = key;
        }

        return (table.Cos, table.Sin);
    }

    /// <summary>One RoPE's angles at a run's positions, and which RoPE and row count they are for (Rows 0 = none yet).</summary>
    private sealed class Table
    {
        public (RopeFrequencies Frequencies, int Factors, int Rows) Key;
        public float[] Cos = [];
        public float[] Sin = [];
    }
}

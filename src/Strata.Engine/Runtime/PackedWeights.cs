// The runner's packed weight copies: which Q8_0/Q4_0/Q5_0/Q4_K matrices get one (the compiled plan), dropping their file pages, and the
// raw-row lookups of a table whose raw bytes are gone.
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;
using Strata.Engine.Artifacts;
using Strata.Kernels;

namespace Strata.Engine.Runtime;

/// <summary>
/// Packed copies of an executable's Q8_0, Q4_0, Q5_0 and Q4_K product weights, made once at load and freed on Dispose.
/// </summary>
/// <remarks>
/// Q8_0 matrices (and Q4_0/Q5_0 and Q4_K ones into <see cref="Q4Vnni"/>'s and <see cref="Q4KVnni"/>'s nibble panels, the raw size, where the CPU runs VNNI)
/// read by 8-bit-activation products and by nothing else that needs their rows in one piece get a packed
/// copy; an embedding table tied to the output head keeps its raw rows for the lookup as well. The layout is the
/// executable's plan (StepKernels.Packing, from its compile options): VNNI panels where it was compiled with VNNI packing
/// (and the matrix has whole blocks), else the integer tiles with batch invariance. Without batch invariance only the
/// VNNI layout is worth its copy: its one-row decode is as fast as the raw decode kernel and its batches (prefill, batched
/// decode) about twice the tile's. The packed matrices' pages of the model file then leave the resident set: the
/// products read the copy, so the process holds the weights about once, not twice (mapped, an embedding table tied to
/// the output head faults back in only the rows it looks up; copied, its lookups unpack rows from the VNNI panels, which
/// hold every byte of the file's rows, or, beside a tile-layout copy, which nothing unpacks, it keeps its raw bytes).
/// </remarks>
internal sealed class PackedWeights : IDisposable
{
    private readonly List<Q8Packed> _packed = [];
    private readonly bool[] _rawFromPacked; // by weight index: raw rows gone, looked up from the packed copy's panels
    private byte[] _rawRow = [];            // (row bytes) one raw row unpacked for such a lookup

    private PackedWeights(int weights) => _rawFromPacked = new bool[weights];

    /// <summary>Bytes of the packed copies.</summary>
    public long Bytes
    {
        get
        {
            long bytes = 0;
            foreach (Q8Packed p in _packed)
            {
                bytes += p.Bytes;
            }

            return bytes;
        }
    }

    /// <summary>Packs what the plan says, pointing <paramref name="matrices"/>' entries at their copies.</summary>
    public static PackedWeights Pack(Executable executable, ModelArtifact model, WorkerPool pool, WeightMatrix[] matrices)
    {
        var packed = new PackedWeights(matrices.Length);
        var done = new HashSet<int>();
        try
        {
            foreach (var plan in executable.MatMulKernels)
            {
                int weight = executable.Steps[plan.Step].WeightIndex;
                if (plan.Packing is { } layout && done.Add(weight))
                {
                    packed.PackOne(executable, model, pool, ref matrices[weight], weight, layout);
                }
            }

            return packed;
        }
        catch
        {
            packed.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The raw bytes of row <paramref name="row"/> of weight <paramref name="weightIndex"/> when its raw rows are gone and
    /// its packed copy holds them; false when the caller should read the matrix's own rows.
    /// </summary>
    public bool TryRawRow(int weightIndex, in WeightMatrix table, int row, out ReadOnlySpan<byte> raw)
    {
        raw = _rawRow;
        return _rawFromPacked[weightIndex] && Q8Packed.TryRawRow(in table, row, _rawRow);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (Q8Packed p in _packed)
        {
            p.Dispose();
        }

        _packed.Clear();
    }

    private void PackOne(Executable executable, ModelArtifact model, WorkerPool pool, ref WeightMatrix w, int weight, Q8Layout layout)
    {
        Q8Packed? packed = Q8Packed.TryPack(pool, in w, layout);
        if (packed == null)
        {
            // The tile kernel also reads raw rows; the VNNI kernel the plan chose has nothing to run without its panels.
            if (layout == Q8Layout.Vnni)
            {
                throw new InvalidOperationException(
                    $"the plan packs {executable.Weights[weight].Name} ({w.Type} [{w.Rows}, {w.Cols}]) into VNNI panels, which this process cannot build");
            }

            return;
        }

        _packed.Add(packed);
        w = w with { Packed = packed.Address, PackedLayout = packed.Layout };
        bool readRaw = ReadRaw(executable, weight);
        bool unpacks = Q8Packed.UnpacksRows(in w); // Q8_0 and Q6_K panels give raw rows back, the nibble panels do not
        if (model.Load == Substrate.FileLoad.Map || !readRaw || unpacks)
        {
            // Copied weights do not come back once dropped: a table still looked up reads VNNI panels instead.
            _rawFromPacked[weight] = readRaw && model.Load == Substrate.FileLoad.Copy;
            long rowBytes = GgmlTypeInfo.RowBytes(w.Type, w.Cols);
            _rawRow = _rawFromPacked[weight] && _rawRow.Length < rowBytes ? new byte[rowBytes] : _rawRow;
            model.DropResident(w.Data, w.Rows * rowBytes);
        }
    }

    // True when a step other than a quantized product reads the weight's raw rows (the embedding lookup of a table tied to
    // the output head): a copied model must keep those bytes, as nothing faults them back in from the file, unless the
    // packed copy holds them all (VNNI panels).
    private static bool ReadRaw(Executable executable, int weightIndex)
    {
        foreach (ref readonly var step in executable.Steps.AsSpan())
        {
            if (step.WeightIndex == weightIndex && step.Op is not (OpKind.MatMulQuantized or OpKind.QuantizeActivations))
            {
                return true;
            }
        }

        return false;
    }
}

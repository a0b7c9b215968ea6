// Adds seeded random tensors to a GGUF writer, typed by the quantization recipe; the architectures' one way to make weights.
using System.Buffers.Binary;
using Strata.Engine.Artifacts;
using Strata.Engine.Sampling;
using Strata.Kernels;

namespace Strata.Engine.Synthesis;

/// <summary>
/// The tensors of one synthetic model. Each tensor's values come from a generator seeded by the model seed and the tensor's
/// name (FNV-1a), one stream per row, so the bytes do not depend on tensor order, thread count or machine.
/// </summary>
internal sealed class SyntheticTensors
{
    private readonly GgufWriter _writer;
    private readonly QuantRecipe _quant;
    private readonly ulong _seed;
    private readonly ModelShape _shape;
    private readonly SortedDictionary<string, int> _histogram = new(StringComparer.Ordinal);

    public SyntheticTensors(GgufWriter writer, QuantRecipe quant, ulong seed, ModelShape shape)
    {
        _writer = writer;
        _quant = quant;
        _seed = seed;
        _shape = shape;
    }

    /// <summary>Tensor count by type name.</summary>
    public IReadOnlyDictionary<string, int> Histogram => _histogram;

    /// <summary>A weight matrix of <paramref name="rows"/> rows of <paramref name="cols"/> (GGUF dims [cols, rows]), N(0, std²).</summary>
    public void Matrix(string name, int layer, int rows, int cols, float std) => Add(name, layer, [cols, rows], rows, cols, std);

    /// <summary>A 3-D expert stack, dims [cols, rows, experts]; each expert's 2-D slice is typed and quantized row by row like a matrix.</summary>
    public void Experts(string name, int layer, int experts, int rows, int cols, float std) =>
        Add(name, layer, [cols, rows, experts], checked(experts * rows), cols, std);

    /// <summary>An F32 matrix of <paramref name="rows"/> rows of <paramref name="cols"/>, N(0, std²), whatever the recipe (embedding tables added as they are).</summary>
    public void MatrixF32(string name, int rows, int cols, float std)
    {
        Count(GgmlType.F32);
        ulong seed = TensorSeed(_seed, name);
        _writer.AddTensor(name, [cols, rows], GgmlType.F32, stream => WriteRows(stream, GgmlType.F32, rows, cols, seed, 0f, std));
    }

    /// <summary>An F32 norm weight of 1 + 0.1·N(0, 1) (for Gemma, whose converter stores 1 + w, the same spread around 1).</summary>
    public void Norm(string name, int length) => AddF32(name, length, 1f, 0.1f);

    /// <summary>An F32 norm weight of mean + 0.1·N(0, 1).</summary>
    public void Norm(string name, int length, float mean) => AddF32(name, length, mean, 0.1f);

    /// <summary>An F32 bias of N(0, std²).</summary>
    public void Bias(string name, int length, float std) => AddF32(name, length, 0f, std);

    /// <summary>An F32 vector of given values (RoPE frequency factors).</summary>
    public void Values(string name, float[] values)
    {
        Count(GgmlType.F32);
        _writer.AddTensor(name, [values.Length], GgmlType.F32, stream =>
        {
            var bytes = new byte[values.Length * sizeof(float)];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
            }

            stream.Write(bytes);
        });
    }

    private void Add(string name, int layer, long[] dimensions, int rows, int cols, float std)
    {
        var type = _quant.TypeFor(name, layer, cols, _shape);
        Count(type);
        ulong seed = TensorSeed(_seed, name);
        _writer.AddTensor(name, dimensions, type, stream => WriteRows(stream, type, rows, cols, seed, 0f, std));
    }

    private void AddF32(string name, int length, float mean, float std)
    {
        Count(GgmlType.F32);
        ulong seed = TensorSeed(_seed, name);
        _writer.AddTensor(name, [length], GgmlType.F32, stream => WriteRows(stream, GgmlType.F32, 1, length, seed, mean, std));
    }

    private void Count(GgmlType type) => _histogram[type.ToString()] = _histogram.GetValueOrDefault(type.ToString()) + 1;

    private static ulong TensorSeed(ulong seed, string name)
    {
        ulong hash = 14695981039346656037UL; // FNV-1a over the name, mixed with the seed
        foreach (char c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash ^ (seed * 0x9E3779B97F4A7C15UL);
    }

    // Rows are filled with mean + std·N(0,1) from a per-row generator and quantized in parallel, then written in order.
    private static void WriteRows(Stream stream, GgmlType type, int rows, int cols, ulong seed, float mean, float std)
    {
        long rowBytes = GgmlTypeInfo.RowBytes(type, cols);
        const int RowsPerChunk = 64;
        var buffer = new byte[rowBytes * Math.Min(rows, RowsPerChunk * 16)];
        int rowsPerBuffer = (int)(buffer.Length / rowBytes);
        for (int start = 0; start < rows; start += rowsPerBuffer)
        {
            int count = Math.Min(rowsPerBuffer, rows - start);
            Parallel.For(0, (count + RowsPerChunk - 1) / RowsPerChunk, chunk =>
            {
                var values = new float[cols];
                int first = chunk * RowsPerChunk;
                for (int r = first; r < Math.Min(count, first + RowsPerChunk); r++)
                {
                    var random = new Xoshiro256Random(seed + (ulong)(start + r) * 0xD1B54A32D192ED03UL);
                    Gaussian.Fill(random, values, mean, std);
                    Quantizer.QuantizeRow(type, values, buffer.AsSpan((int)(r * rowBytes), (int)rowBytes));
                }
            });
            stream.Write(buffer, 0, (int)(count * rowBytes));
        }
    }
}

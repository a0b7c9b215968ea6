// The runner's kernels for Strata's fused encoder operators: Dense (matrix product, bias, activation), LayerNorm, Gelu and
// padded attention, each parallel over the pool.
using Strata.Compiler.Graphs;
using Strata.Compiler.Graphs.Lowering;
using Strata.Kernels;

namespace Strata.Engine.Graphs;

public sealed unsafe partial class GraphRunner
{
    private const int PartsPerThread = 4;

    // Each Dense weight packed into PanelGemm's panels once, when the runner is made.
    private static Dictionary<TensorData, float[]> PackDenseWeights(GraphExecutable executable)
    {
        var packed = new Dictionary<TensorData, float[]>(ReferenceEqualityComparer.Instance);
        foreach (var step in executable.Steps)
        {
            if (step.Kind == StepKind.Dense && executable.Graph.TryGetConstant(step.Node.Input(1), out var w) && !packed.ContainsKey(w))
            {
                packed[w] = PanelGemm.Pack(w.As<float>(), (int)w.Dims[0], (int)w.Dims[1]);
            }
        }

        return packed;
    }

    private void Dense(OpNode node)
    {
        var x = node.Inputs[0]!;
        _executable.Graph.TryGetConstant(node.Inputs[1], out var w);
        int n = (int)w.Dims[0], k = (int)w.Dims[1];
        long[] xShape = ShapeOf(x);
        int rows = checked((int)(Count(xShape) / k));
        var weights = new WeightMatrix(GgmlType.F32, w.Address, n, k);
        float* bias = node.Input(2) is { } b && _executable.Graph.TryGetConstant(b, out var biasData) ? (float*)biasData.Address : null;
        var activation = ActivationOf(node.Attributes.String("activation", string.Empty));
        float* residual = node.Input(3) is { } r ? (float*)Address(r) : null;
        if (rows >= KernelSupport.DensePanelRowsFrom && _packed.TryGetValue(w, out float[]? packed))
        {
            // Bias, and GELU or ReLU, go into the tiles' stores; other activations run after, over the rows.
            var fused = activation switch
            {
                RowActivation.Gelu => TileActivation.GeluErf,
                RowActivation.Relu => TileActivation.Relu,
                _ => TileActivation.None,
            };
            // The residual joins the tiles only when the activation did too (it is added after the activation).
            bool wholeInTiles = fused != TileActivation.None || activation == RowActivation.None;
            fixed (float* pw = packed)
            {
                PanelGemm.Run(_pool, pw, n, k, (float*)Address(x), rows, (float*)Address(node.Output), bias, fused, wholeInTiles ? residual : null);
            }

            bias = null;
            if (wholeInTiles)
            {
                activation = RowActivation.None;
                residual = null;
            }
        }
        else
        {
            MatMul.Run(_pool, in weights, Floats(x), rows, Floats(node.Output));
        }

        if (bias is not null || activation != RowActivation.None)
        {
            var job = new RowsJob(RowOp.BiasActivation, (float*)Address(node.Output), null, bias, null, rows, n, activation, 0, _pool.ChunkRows(rows, 1));
            _pool.Run(in job, job.Parts);
        }

        if (residual is not null)
        {
            VectorOps.Add(Floats(node.Output), new ReadOnlySpan<float>(residual, checked(rows * n)));
        }
    }

    private void LayerNormRows(OpNode node)
    {
        var x = node.Inputs[0]!;
        long[] shape = ShapeOf(x);
        int width = (int)shape[^1];
        int rows = checked((int)(Count(shape) / Math.Max(width, 1)));
        float* scale = (float*)Address(node.Inputs[1]!);
        float* bias = node.Input(2) is { } b ? (float*)Address(b) : null;
        float epsilon = node.Attributes.Float("epsilon", 1e-5f);
        var job = new RowsJob(RowOp.LayerNorm, (float*)Address(x), (float*)Address(node.Output), bias, scale, rows, width, RowActivation.None, epsilon,
            _pool.ChunkRows(rows, 1));
        _pool.Run(in job, job.Parts);
    }

    private void Gelu(OpNode node)
    {
        long count = Count(ShapeOf(node.Output));
        float* x = (float*)Address(node.Inputs[0]!), y = (float*)Address(node.Output);
        if (x != y)
        {
            Buffer.MemoryCopy(x, y, count * 4, count * 4);
        }

        int rows = checked((int)Math.Max(1, count / 1024));
        var job = new RowsJob(RowOp.Gelu, y, y, null, null, rows, 0, RowActivation.None, 0, _pool.ChunkRows(rows, 1)) { Total = count };
        _pool.Run(in job, job.Parts);
    }

    private void Attention(OpNode node)
    {
        // Packed (FuseQkv): q, k and v side by side in each row of input 0, three times the output's width.
        bool packed = node.Input(1) is null;
        long[] shape = ShapeOf(node.Inputs[0]!);
        int sequences = (int)shape[0], length = (int)shape[1], inputStride = (int)shape[2], width = packed ? inputStride / 3 : inputStride;
        int heads = (int)node.Attributes.Int("heads", 1);
        float scale = node.Attributes.Float("scale", 1f / MathF.Sqrt(width / heads));
        float* bias = node.Input(3) is { } b ? (float*)Address(b) : null;
        int pairs = sequences * heads;
        int parts = Math.Min(pairs, _pool.ThreadCount * PartsPerThread);
        int perPart = PaddedAttention.ScratchFloats(length, width / heads);
        if (_scratch.Length < perPart * parts)
        {
            _scratch = new float[perPart * _pool.ThreadCount * PartsPerThread]; // grows once per larger sequence or head
        }

        fixed (float* scratch = _scratch)
        {
            float* q = (float*)Address(node.Inputs[0]!);
            float* k = packed ? q + width : (float*)Address(node.Inputs[1]!);
            float* v = packed ? q + (2 * width) : (float*)Address(node.Inputs[2]!);
            var job = new AttentionJob(q, k, v, inputStride, bias, (float*)Address(node.Output), scratch, perPart, sequences, length, heads, width / heads, scale, pairs);
            _pool.Run(in job, parts);
        }
    }

    private static RowActivation ActivationOf(string name) => name switch
    {
        "" => RowActivation.None,
        "gelu" => RowActivation.Gelu,
        "relu" => RowActivation.Relu,
        "tanh" => RowActivation.Tanh,
        "gelu_tanh" => RowActivation.GeluTanh,
        _ => throw new InvalidOperationException($"unknown Dense activation '{name}'"),
    };

    private readonly struct AttentionJob(float* q, float* k, float* v, int inputStride, float* bias, float* output, float* scratch, int scratchPerPart,
        int sequences, int length, int heads, int headDim, float scale, int pairs) : IParallelJob
    {
        public void Execute(int index, int count)
        {
            int first = (int)((long)pairs * index / count), end = (int)((long)pairs * (index + 1) / count);
            long elements = (long)sequences * length * heads * headDim;
            int inputs = checked((int)((((long)sequences * length) - 1) * inputStride) + (heads * headDim));
            PaddedAttention.Apply(new ReadOnlySpan<float>(q, inputs), new ReadOnlySpan<float>(k, inputs), new ReadOnlySpan<float>(v, inputs), inputStride,
                bias is null ? default : new ReadOnlySpan<float>(bias, sequences * length), sequences, length, heads, headDim, scale,
                new Span<float>(output, (int)elements), new Span<float>(scratch + ((long)index * scratchPerPart), scratchPerPart), first, end - first);
        }
    }
}

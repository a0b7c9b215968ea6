// The facts `strata inspect` prints, as text or one JSON object.
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Strata.Compiler;
using Strata.Compiler.Lowering;
using Strata.Engine.Artifacts;
using Strata.Engine.Runtime;

namespace Strata.Cli;

/// <summary>A model's metadata and what the compiler made of it under given engine options.</summary>
internal sealed class InspectReport
{
    private readonly ModelArtifact _model;
    private readonly Executable _exe;
    private readonly int _context;

    private InspectReport(ModelArtifact model, Executable exe, int context)
    {
        _model = model;
        _exe = exe;
        _context = context;
    }

    /// <summary>Compiles <paramref name="model"/> exactly as <see cref="ModelRuntime.Load"/> would under <paramref name="options"/>.</summary>
    public static InspectReport Build(ModelArtifact model, EngineOptions options)
    {
        var (compile, context) = ModelRuntime.Plan(model, options);
        return new InspectReport(model, DecoderCompiler.Compile(model.Spec, compile), context);
    }

    public string ToText()
    {
        var spec = _model.Spec;
        var o = _exe.Options;
        var s = new StringBuilder();
        Line(s, $"model      {_model.Path} ({_model.Format}, {_model.FileBytes} bytes, sha256 {_model.FileSha256})");
        Line(s, $"decoder    {spec.Architecture} '{spec.Name}': {spec.Layers} layers, dim {spec.EmbeddingDim}, {spec.Heads}/{spec.KvHeads} heads of {spec.HeadDim}, "
            + $"ffn {spec.FeedForwardDim}, vocab {spec.VocabSize}, trained context {spec.ContextLength}");
        Line(s, $"tensors    {string.Join(", ", _model.TypeHistogram.Select(kv => $"{kv.Key} × {kv.Value}"))}");
        Line(s, $"options    isa {o.KernelIsa}, numerics {o.Mode}, batch-invariant {Yes(o.BatchInvariant)}, vnni {Yes(o.Vnni)}, "
            + $"{o.MaxBatchTokens} token rows / {o.MaxOutputRows} output rows, context {_context}");
        Line(s, $"arena      {_exe.ArenaFloats * sizeof(float)} bytes");
        Line(s, $"hash       {_exe.ContentHash}");
        Line(s, "compile log:");
        foreach (var e in _exe.Log.Entries)
        {
            Line(s, $"  {e.Pass}: {e.Message}");
        }

        Line(s, "matrix products:");
        foreach (var k in _exe.MatMulKernels)
        {
            Line(s, $"  step {k.Step} {k.Op} {k.Weight} {k.Type} [{k.Rows}, {k.Cols}]: {k.Describe()}");
        }

        Line(s, "product groups (one job where joint, else step by step):");
        foreach (var g in _exe.ProductGroups)
        {
            Line(s, $"  steps {g.First}–{g.First + g.Count - 1} {g.Describe()}");
        }

        return s.ToString().TrimEnd();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            WriteModel(w);
            var o = _exe.Options;
            w.WriteStartObject("compile_options");
            w.WriteString("isa", o.KernelIsa);
            w.WriteString("numerics", o.Mode.ToString());
            w.WriteBoolean("batch_invariant", o.BatchInvariant);
            w.WriteBoolean("vnni", o.Vnni);
            w.WriteNumber("max_batch_tokens", o.MaxBatchTokens);
            w.WriteNumber("max_output_rows", o.MaxOutputRows);
            w.WriteNumber("context", _context);
            w.WriteEndObject();
            w.WriteNumber("arena_bytes", _exe.ArenaFloats * sizeof(float));
            w.WriteString("executable_hash", _exe.ContentHash);
            w.WriteStartArray("compile_log");
            foreach (var e in _exe.Log.Entries)
            {
                w.WriteStartObject();
                w.WriteString("pass", e.Pass);
                w.WriteString("message", e.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteSteps(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void WriteModel(Utf8JsonWriter w)
    {
        var spec = _model.Spec;
        w.WriteStartObject("model");
        w.WriteString("path", _model.Path);
        w.WriteString("format", _model.Format);
        w.WriteNumber("file_bytes", _model.FileBytes);
        w.WriteString("sha256", _model.FileSha256);
        w.WriteString("architecture", spec.Architecture);
        w.WriteString("name", spec.Name);
        w.WriteNumber("layers", spec.Layers);
        w.WriteNumber("embedding_dim", spec.EmbeddingDim);
        w.WriteNumber("heads", spec.Heads);
        w.WriteNumber("kv_heads", spec.KvHeads);
        w.WriteNumber("head_dim", spec.HeadDim);
        w.WriteNumber("feed_forward_dim", spec.FeedForwardDim);
        w.WriteNumber("vocab_size", spec.VocabSize);
        w.WriteNumber("context_length", spec.ContextLength);
        w.WriteStartObject("tensor_types");
        foreach (var (type, count) in _model.TypeHistogram)
        {
            w.WriteNumber(type, count);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void WriteSteps(Utf8JsonWriter w)
    {
        w.WriteStartArray("matmul_steps");
        foreach (var k in _exe.MatMulKernels)
        {
            w.WriteStartObject();
            w.WriteNumber("step", k.Step);
            w.WriteString("op", k.Op.ToString());
            w.WriteString("weight", k.Weight);
            w.WriteString("type", k.Type.ToString());
            w.WriteNumber("rows", k.Rows);
            w.WriteNumber("cols", k.Cols);
            w.WriteString("packing", k.Packing?.ToString());
            WriteBuckets(w, "buckets", k.Buckets);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("product_groups");
        foreach (var g in _exe.ProductGroups)
        {
            w.WriteStartObject();
            w.WriteNumber("first_step", g.First);
            w.WriteNumber("steps", g.Count);
            w.WriteStartArray("weights");
            foreach (var name in g.Weights)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            WriteBuckets(w, "joint", g.Joint);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteBuckets(Utf8JsonWriter w, string name, IReadOnlyList<KernelBucket> buckets)
    {
        w.WriteStartArray(name);
        foreach (var b in buckets)
        {
            w.WriteStartObject();
            w.WriteNumber("min_rows", b.MinRows);
            w.WriteNumber("max_rows", b.MaxRows);
            w.WriteString("kernel", b.Kernel.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Yes(bool value) => value ? "yes" : "no";

    private static void Line(StringBuilder s, string text) => s.Append(text).Append('\n');
}

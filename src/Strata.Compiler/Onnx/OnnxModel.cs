// An ONNX model file read into Strata's own immutable records: opsets, the main graph with typed inputs/outputs, nodes
// and attributes, and initializers whose bytes are slices of the mapped file. Everything is checked at load; a bad file
// gives an OnnxFormatException naming the file and the element, never a parser's exception or a crash.
using Google.Protobuf;
using Strata.Compiler.Onnx.Proto;
using Strata.Substrate;

namespace Strata.Compiler.Onnx;

/// <summary>A loaded, validated ONNX model. Dispose it to unmap the file; initializer bytes are valid until then.</summary>
public sealed class OnnxModel : IDisposable
{
    /// <summary>Protobuf messages cannot exceed 2 GiB; larger models keep their weights in external data files.</summary>
    private const long MaxModelBytes = int.MaxValue;

    private readonly MappedFile? _file;

    private OnnxModel(string source, ModelProto proto, OnnxGraph graph, long lengthBytes, MappedFile? file)
    {
        Source = source;
        IrVersion = proto.IrVersion;
        ProducerName = proto.ProducerName;
        ProducerVersion = proto.ProducerVersion;
        Domain = proto.Domain;
        ModelVersion = proto.ModelVersion;
        OpsetImports = [.. proto.OpsetImport.Select(o => new OnnxOpsetImport(o.Domain, o.Version))];
        Metadata = proto.MetadataProps.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        FunctionCount = proto.Functions.Count;
        Graph = graph;
        LengthBytes = lengthBytes;
        _file = file;
    }

    /// <summary>The file path, or the name given to bytes loaded from memory.</summary>
    public string Source { get; }

    /// <summary>ONNX IR version of the file (7 for opset 13 exporters).</summary>
    public long IrVersion { get; }

    /// <summary>The tool that wrote the model, e.g. "pytorch".</summary>
    public string ProducerName { get; }

    /// <summary>Its version.</summary>
    public string ProducerVersion { get; }

    /// <summary>The model's namespace (reverse DNS), often empty.</summary>
    public string Domain { get; }

    /// <summary>The model's own version number.</summary>
    public long ModelVersion { get; }

    /// <summary>Operator sets imported, in file order (the default domain's is the one with an empty <see cref="OnnxOpsetImport.Domain"/>).</summary>
    public IReadOnlyList<OnnxOpsetImport> OpsetImports { get; }

    /// <summary>metadata_props, key → value (a repeated key keeps its last value).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Model-local functions defined in the file (not read yet; calls to them are nodes of their domain).</summary>
    public int FunctionCount { get; }

    /// <summary>The main graph.</summary>
    public OnnxGraph Graph { get; }

    /// <summary>Size of the model file or buffer in bytes.</summary>
    public long LengthBytes { get; }

    /// <summary>Maps <paramref name="path"/> and reads the model; initializer bytes stay in the mapping.</summary>
    /// <exception cref="FileNotFoundException">the file does not exist</exception>
    /// <exception cref="OnnxFormatException">the file is not a valid ONNX model</exception>
    public static OnnxModel Load(string path)
    {
        var file = MappedFile.Open(path, FileLoad.Map);
        try
        {
            if (file.LengthBytes > MaxModelBytes)
            {
                throw new OnnxFormatException(file.Path, "file", $"is {file.LengthBytes} bytes; a protobuf model holds at most {MaxModelBytes} (larger models need external data, not supported yet)");
            }

            return Read(file.Path, new OnnxByteSource(file), file.LengthBytes, file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads a model from <paramref name="bytes"/>, which initializer bytes slice: keep it unchanged while the model is used.</summary>
    /// <param name="bytes">the whole model file</param>
    /// <param name="sourceName">the name errors give the model</param>
    /// <exception cref="OnnxFormatException">the bytes are not a valid ONNX model</exception>
    public static OnnxModel Load(ReadOnlyMemory<byte> bytes, string sourceName) =>
        Read(sourceName, new OnnxByteSource(bytes), bytes.Length, null);

    /// <summary>Reads a whole model from <paramref name="stream"/> (copied into memory once).</summary>
    /// <exception cref="OnnxFormatException">the stream is not a valid ONNX model</exception>
    public static OnnxModel Load(Stream stream, string sourceName)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Load(copy.GetBuffer().AsMemory(0, (int)copy.Length), sourceName);
    }

    /// <summary>The opset version imported for <paramref name="domain"/> ("" or "ai.onnx" for the default domain).</summary>
    public bool TryGetOpsetVersion(string domain, out long version)
    {
        foreach (var opset in OpsetImports)
        {
            if (opset.Domain == domain || (IsDefaultDomain(opset.Domain) && IsDefaultDomain(domain)))
            {
                version = opset.Version;
                return true;
            }
        }

        version = 0;
        return false;
    }

    /// <summary>
    /// The address of <paramref name="tensor"/>'s bytes inside the mapped model file (valid until this model is disposed);
    /// false when the model was read from memory or the tensor's data was decoded from typed fields.
    /// </summary>
    internal bool TryGetMappedAddress(OnnxTensor tensor, out nint address)
    {
        if (_file is null || tensor.DataOffsetBytes is not { } offset)
        {
            address = 0;
            return false;
        }

        address = _file.Address(offset, tensor.ByteLength);
        return true;
    }

    private static bool IsDefaultDomain(string domain) => domain.Length == 0 || domain == "ai.onnx";

    private static OnnxModel Read(string source, OnnxByteSource bytes, long lengthBytes, MappedFile? file)
    {
        var split = OnnxWireSplitter.Split(bytes.All(), source);
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.WithDiscardUnknownFields(true).ParseFrom(split.Skeleton);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException(source, "model", $"is not valid protobuf: {e.Message}", e);
        }

        CheckModel(proto, source);
        var graph = new OnnxGraphReader(source, new OnnxTensorReader(source, bytes)).Read(proto.Graph, "graph", 0, split.RawData);
        new OnnxGraphValidator(source).Validate(graph, "graph");
        return new OnnxModel(source, proto, graph, lengthBytes, file);
    }

    private static void CheckModel(ModelProto proto, string source)
    {
        if (!proto.HasIrVersion || proto.IrVersion < 1)
        {
            throw new OnnxFormatException(source, "model", proto.HasIrVersion ? $"ir_version is {proto.IrVersion}, must be at least 1" : "ir_version is missing (is this an ONNX file?)");
        }

        if (proto.Graph is null)
        {
            throw new OnnxFormatException(source, "model", "has no graph");
        }

        if (proto.OpsetImport.Count == 0)
        {
            throw new OnnxFormatException(source, "model", "opset_import is empty: the operator set version is unknown");
        }

        var domains = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < proto.OpsetImport.Count; i++)
        {
            var opset = proto.OpsetImport[i];
            string domain = IsDefaultDomain(opset.Domain) ? "ai.onnx" : opset.Domain;
            if (opset.Version < 1 || !domains.Add(domain))
            {
                throw new OnnxFormatException(source, $"model.opset_import[{i}] '{domain}'",
                    opset.Version < 1 ? $"version is {opset.Version}, must be at least 1" : "the domain is imported twice");
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _file?.Dispose();
}

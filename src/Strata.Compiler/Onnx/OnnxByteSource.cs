// Where an ONNX model's bytes live: a mapped file or a caller's buffer; tensors slice their data from it, never copy it.
using Strata.Substrate;

namespace Strata.Compiler.Onnx;

/// <summary>The loaded model bytes, shared by every tensor that slices its data from them.</summary>
internal sealed class OnnxByteSource
{
    private readonly MappedFile? _file;
    private readonly ReadOnlyMemory<byte> _memory;

    public OnnxByteSource(MappedFile file) => _file = file;

    public OnnxByteSource(ReadOnlyMemory<byte> memory) => _memory = memory;

    /// <summary>Bytes [offset, offset + count); the mapped file checks the range and that it is still open.</summary>
    public ReadOnlySpan<byte> Slice(long offsetBytes, int countBytes) =>
        _file is not null ? _file.Span(offsetBytes, countBytes) : _memory.Span.Slice(checked((int)offsetBytes), countBytes);

    /// <summary>The whole model.</summary>
    public ReadOnlySpan<byte> All() => _file is not null ? _file.Span(0, checked((int)_file.LengthBytes)) : _memory.Span;
}

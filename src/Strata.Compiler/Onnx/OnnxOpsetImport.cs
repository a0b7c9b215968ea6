// An operator set a model imports: a domain ("" is the default ai.onnx) and its version.
namespace Strata.Compiler.Onnx;

/// <summary>One opset_import entry (OperatorSetIdProto).</summary>
/// <param name="Domain">operator domain; empty for the default domain ai.onnx</param>
/// <param name="Version">opset version, at least 1</param>
public sealed record OnnxOpsetImport(string Domain, long Version)
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Domain.Length == 0 ? "ai.onnx" : Domain)} {Version}";
}

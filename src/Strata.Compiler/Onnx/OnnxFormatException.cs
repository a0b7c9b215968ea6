// The one error a malformed ONNX file produces: names the file, the element (graph.node[12] (MatMul 'x')) and what is wrong.
namespace Strata.Compiler.Onnx;

/// <summary>An ONNX file cannot be read: it is not valid protobuf, or its model breaks a rule of the ONNX format.</summary>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Creates the error for <paramref name="element"/> of the model read from <paramref name="source"/>.</summary>
    /// <param name="source">the file path, or the name given to bytes loaded from memory</param>
    /// <param name="element">where in the model, e.g. <c>graph.node[12] (MatMul 'x')</c>, or <c>file</c> for the byte level</param>
    /// <param name="problem">what is wrong, with the expected and the found value</param>
    /// <param name="innerException">the parser's error, if any</param>
    public OnnxFormatException(string source, string element, string problem, Exception? innerException = null)
        : base($"ONNX model '{source}': {element}: {problem}", innerException)
    {
        ModelSource = source;
        Element = element;
    }

    /// <summary>Creates the error from a whole message.</summary>
    public OnnxFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the error from a whole message with a cause.</summary>
    public OnnxFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error.</summary>
    public OnnxFormatException()
    {
    }

    /// <summary>The file path, or the name given to bytes loaded from memory.</summary>
    public string ModelSource { get; } = string.Empty;

    /// <summary>The element at fault, e.g. <c>graph.initializer[3] 'w'</c>.</summary>
    public string Element { get; } = string.Empty;
}

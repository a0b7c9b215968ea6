// The one error a bad model or tokenizer file produces: it names the file, the field, what was expected and what was found.
namespace Strata.Engine.Artifacts;

/// <summary>A model artifact is malformed, truncated or unsupported.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the error; <paramref name="message"/> names the field, the expected and the found value.</summary>
    public ModelFormatException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with an inner cause.</summary>
    public ModelFormatException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error (for serializers).</summary>
    public ModelFormatException()
    {
    }
}

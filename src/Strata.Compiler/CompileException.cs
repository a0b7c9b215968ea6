// The error a model that cannot be compiled produces: names the tensor or parameter, the expected and the found value.
namespace Strata.Compiler;

/// <summary>The decoder cannot be built or lowered.</summary>
public sealed class CompileException : Exception
{
    /// <summary>Creates the error.</summary>
    public CompileException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with a cause.</summary>
    public CompileException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error.</summary>
    public CompileException()
    {
    }
}

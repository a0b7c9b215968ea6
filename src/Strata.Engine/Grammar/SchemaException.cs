// A JSON Schema that cannot be compiled to a grammar, with the JSON pointer of the part at fault.
namespace Strata.Engine.Grammar;

/// <summary>
/// The schema cannot become a grammar: it is not valid JSON Schema, uses a keyword or combination the compiler cannot
/// express soundly, or can never be satisfied. <see cref="Pointer"/> is the JSON pointer (URI fragment form, e.g.
/// <c>#/properties/age/minimum</c>) of the schema location at fault; the message starts with it.
/// </summary>
public sealed class SchemaException : Exception
{
    /// <summary>A problem at <paramref name="pointer"/>.</summary>
    public SchemaException(string pointer, string message)
        : base($"{pointer}: {message}")
    {
        Pointer = pointer;
        Detail = message;
    }

    /// <summary>A problem with the whole schema.</summary>
    public SchemaException(string message)
        : this("#", message)
    {
    }

    /// <summary>Creates an exception with a generic message (analyzers' convention).</summary>
    public SchemaException()
        : this("#", "the schema cannot be compiled to a grammar")
    {
    }

    /// <summary>A problem with the whole schema, caused by <paramref name="inner"/>.</summary>
    public SchemaException(string message, Exception inner)
        : base($"#: {message}", inner)
    {
        Pointer = "#";
        Detail = message;
    }

    /// <summary>JSON pointer of the schema location at fault, "#" for the root.</summary>
    public string Pointer { get; } = "#";

    /// <summary>The message without the pointer.</summary>
    public string Detail { get; } = string.Empty;
}

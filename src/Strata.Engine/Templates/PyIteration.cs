// What "for x in value" yields for each kind of value: characters, items, dict keys, nothing for undefined.
namespace Strata.Engine.Templates;

/// <summary>Python's iteration protocol over template values.</summary>
internal static class PyIteration
{
    /// <summary>The items <c>for x in value</c> visits: a string's code points, a sequence's items, a dict's keys,
    /// a generator's remaining items, nothing for an undefined value.</summary>
    /// <exception cref="PyError">the value is not iterable</exception>
    public static IEnumerable<object?> Items(object? value) => value switch
    {
        string s => CodePoints.Split(s),
        PyList list => list.Items,
        PyDict dict => dict.Keys,
        PyGenerator generator => generator.Drain(),
        Undefined => [],
        _ => throw new PyError($"'{PyTypes.Name(value)}' object is not iterable"),
    };

    /// <summary>The items as a list (a generator is consumed).</summary>
    public static List<object?> ToList(object? value) => [.. Items(value)];

    /// <summary><c>len(value)</c></summary>
    /// <exception cref="PyError">the value has no length (a number, None, a generator)</exception>
    public static int Length(object? value) => value switch
    {
        string s => CodePoints.Length(s),
        PyList list => list.Count,
        PyDict dict => dict.Count,
        Undefined => 0,
        Namespace => throw new PyError("object of type 'Namespace' has no len()"),
        _ => throw new PyError($"object of type '{PyTypes.Name(value)}' has no len()"),
    };
}

// Python's == and ordering between template values: numbers across int/float/bool, strings by code point, sequences item by item.
using System.Runtime.CompilerServices;

namespace Strata.Engine.Templates;

/// <summary>Equality and ordering with CPython's rules and TypeErrors.</summary>
internal static class PyCompare
{
    /// <summary><c>a == b</c>. An undefined value equals only another undefined value.</summary>
    public static bool AreEqual(object? a, object? b)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new PyError("values nested too deeply to compare");
        }

        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        }

        return (a, b) switch
        {
            (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
            (Undefined, Undefined) => true,
            (PyList x, PyList y) => SequenceFamily(x) == SequenceFamily(y) && x.Kind != SequenceKind.DictValues && ItemsEqual(x.Items, y.Items),
            (PyDict x, PyDict y) => DictsEqual(x, y),
            _ => false,
        };
    }

    /// <summary>Python's ordering of <paramref name="a"/> and <paramref name="b"/> (negative, zero, positive) for
    /// <c>&lt;</c> and sorting; <paramref name="op"/> names the operator in the TypeError.</summary>
    /// <exception cref="PyError">the values cannot be ordered</exception>
    public static int Order(object? a, object? b, string op = "<")
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new PyError("values nested too deeply to compare");
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToLong(a).CompareTo(ToLong(b));
        }

        if (a is string x && b is string y)
        {
            return CompareCodePoints(x, y);
        }

        if (a is PyList l && b is PyList r && l.Kind == r.Kind && l.Kind is SequenceKind.List or SequenceKind.Tuple)
        {
            for (int i = 0; i < Math.Min(l.Count, r.Count); i++)
            {
                if (!AreEqual(l.Items[i], r.Items[i]))
                {
                    return Order(l.Items[i], r.Items[i], op);
                }
            }

            return l.Count.CompareTo(r.Count);
        }

        throw new PyError($"'{op}' not supported between instances of '{PyTypes.Name(a)}' and '{PyTypes.Name(b)}'");
    }

    /// <summary>Ordinal comparison by Unicode code point (UTF-16 order differs above U+D7FF).</summary>
    public static int CompareCodePoints(string x, string y)
    {
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            char a = x[i];
            char b = y[i];
            if (a != b)
            {
                bool surrogateA = char.IsSurrogate(a);
                bool surrogateB = char.IsSurrogate(b);
                if (surrogateA == surrogateB)
                {
                    return a.CompareTo(b);
                }

                // A surrogate stands for a code point above U+FFFF, which sorts after any BMP character but itself.
                return surrogateA ? (b >= 0xE000 ? 1 : a.CompareTo(b)) : (a >= 0xE000 ? -1 : a.CompareTo(b));
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    /// <summary>True for bool, int and float (bool is an int in Python).</summary>
    public static bool IsNumber(object? value) => value is long or double or bool;

    /// <summary>The int value of an int or bool.</summary>
    public static long ToLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new PyError($"an integer is required, not '{PyTypes.Name(value)}'"),
    };

    /// <summary>The float value of a number.</summary>
    public static double ToDouble(object? value) => value switch
    {
        double d => d,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new PyError($"must be real number, not {PyTypes.Name(value)}"),
    };

    private static int SequenceFamily(PyList list) => list.Kind switch
    {
        SequenceKind.List => 0,
        SequenceKind.Tuple => 1,
        SequenceKind.Range => 2,
        SequenceKind.DictKeys or SequenceKind.DictItems => 3,
        _ => 4,
    };

    private static bool ItemsEqual(IReadOnlyList<object?> x, IReadOnlyList<object?> y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        for (int i = 0; i < x.Count; i++)
        {
            if (!AreEqual(x[i], y[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool DictsEqual(PyDict x, PyDict y)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        foreach (var (key, value) in x.Pairs)
        {
            if (!y.TryGet(key, out var other) || !AreEqual(value, other))
            {
                return false;
            }
        }

        return true;
    }
}

// Python's arithmetic, truthiness, membership and iteration for template values, with CPython's TypeError messages.
using System.Globalization;

namespace Strata.Engine.Templates;

/// <summary>
/// The operators of Jinja expressions with Python semantics: int stays int (checked to 64 bits), <c>/</c> gives a
/// float, <c>//</c> and <c>%</c> floor, str and list concatenate and repeat. Using an undefined value fails.
/// </summary>
internal static class PyOperators
{
    /// <summary>The most items a list or characters a string built by an operator may have.</summary>
    public const long MaxSize = 64L * 1024 * 1024;

    /// <summary>Python truthiness.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        PyList list => list.Count > 0,
        PyDict dict => dict.Count > 0,
        Undefined => false,
        _ => true,
    };

    /// <summary><c>left op right</c> for an arithmetic operator.</summary>
    /// <exception cref="PyError">the operand types do not support it, division by zero, or overflow</exception>
    public static object? Arithmetic(Expression.ArithmeticOperator op, object? left, object? right)
    {
        FailIfUndefined(left);
        if (op == Expression.ArithmeticOperator.Modulo && left is string format)
        {
            string text = PercentFormat.Format(format, right, escape: Markup.IsMarkup(format));
            return Markup.IsMarkup(format) ? Markup.Create(text) : text;
        }

        FailIfUndefined(right);
        try
        {
            return op switch
            {
                Expression.ArithmeticOperator.Add => Add(left, right),
                Expression.ArithmeticOperator.Subtract => Numeric(left, right, "-", (a, b) => checked(a - b), (a, b) => a - b),
                Expression.ArithmeticOperator.Multiply => Multiply(left, right),
                Expression.ArithmeticOperator.Divide => Divide(left, right),
                Expression.ArithmeticOperator.FloorDivide => FloorDivide(left, right),
                Expression.ArithmeticOperator.Modulo => Modulo(left, right),
                _ => Power(left, right),
            };
        }
        catch (OverflowException)
        {
            throw new PyError("integer result does not fit in 64 bits");
        }
    }

    /// <summary><c>-value</c> (<paramref name="negate"/>) or <c>+value</c>.</summary>
    public static object? Sign(bool negate, object? value)
    {
        FailIfUndefined(value);
        if (negate && value is long.MinValue)
        {
            throw new PyError("integer result does not fit in 64 bits");
        }

        return value switch
        {
            double d => (object)(negate ? -d : d),
            long or bool => (object)(negate ? checked(-PyCompare.ToLong(value)) : PyCompare.ToLong(value)),
            _ => throw new PyError($"bad operand type for unary {(negate ? '-' : '+')}: '{PyTypes.Name(value)}'"),
        };
    }

    /// <summary>Throws the undefined value's error when <paramref name="value"/> is undefined.</summary>
    public static void FailIfUndefined(object? value)
    {
        if (value is Undefined undefined)
        {
            throw new PyError(undefined.Message);
        }
    }

    private static object? Add(object? left, object? right)
    {
        switch (left, right)
        {
            case (string a, string b):
                CheckSize((long)a.Length + b.Length);
                return Markup.IsMarkup(a) || Markup.IsMarkup(b) ? Markup.Add(a, b) : a + b;
            case (PyList a, PyList b) when a.Kind == b.Kind && a.Kind is SequenceKind.List or SequenceKind.Tuple:
                CheckSize((long)a.Count + b.Count);
                return new PyList([.. a.Items, .. b.Items], a.Kind);
            case (string, _):
                throw new PyError($"can only concatenate str (not \"{PyTypes.Name(right)}\") to str");
            case (PyList { Kind: SequenceKind.List or SequenceKind.Tuple } a, _):
                throw new PyError($"can only concatenate {PyTypes.Name(a)} (not \"{PyTypes.Name(right)}\") to {PyTypes.Name(a)}");
        }

        return Numeric(left, right, "+", (a, b) => checked(a + b), (a, b) => a + b);
    }

    private static object Numeric(object? left, object? right, string op, Func<long, long, long> ints, Func<double, double, double> floats)
    {
        if (!PyCompare.IsNumber(left) || !PyCompare.IsNumber(right))
        {
            throw Unsupported(op, left, right);
        }

        if (left is double || right is double)
        {
            return floats(PyCompare.ToDouble(left), PyCompare.ToDouble(right));
        }

        return ints(PyCompare.ToLong(left), PyCompare.ToLong(right));
    }

    private static object Multiply(object? left, object? right)
    {
        if (left is string or PyList && right is long or bool)
        {
            return Repeat(left, PyCompare.ToLong(right));
        }

        if (right is string or PyList && left is long or bool)
        {
            return Repeat(right, PyCompare.ToLong(left));
        }

        return Numeric(left, right, "*", (a, b) => checked(a * b), (a, b) => a * b);
    }

    private static object Repeat(object? sequence, long count)
    {
        if (sequence is string s)
        {
            CheckSize(s.Length == 0 ? 0 : Math.Min(count, MaxSize + 1) * s.Length);
            return Markup.IsMarkup(s) ? Markup.Create(PythonText.Repeat(s, count)) : PythonText.Repeat(s, count);
        }

        var list = (PyList)sequence!;
        if (list.Kind is not (SequenceKind.List or SequenceKind.Tuple))
        {
            throw Unsupported("*", list, count);
        }

        CheckSize(list.Count == 0 ? 0 : Math.Min(count, MaxSize + 1) * list.Count);
        var items = new List<object?>();
        for (long i = 0; i < count; i++)
        {
            items.AddRange(list.Items);
        }

        return new PyList(items, list.Kind);
    }

    private static object Divide(object? left, object? right)
    {
        if (!PyCompare.IsNumber(left) || !PyCompare.IsNumber(right))
        {
            throw Unsupported("/", left, right);
        }

        double divisor = PyCompare.ToDouble(right);
        if (divisor == 0)
        {
            throw new PyError(left is double || right is double ? "float division by zero" : "division by zero");
        }

        return PyCompare.ToDouble(left) / divisor;
    }

    private static object FloorDivide(object? left, object? right)
    {
        if (!PyCompare.IsNumber(left) || !PyCompare.IsNumber(right))
        {
            throw Unsupported("//", left, right);
        }

        if (left is double || right is double)
        {
            double b = PyCompare.ToDouble(right);
            return b == 0 ? throw new PyError("float floor division by zero") : Math.Floor(PyCompare.ToDouble(left) / b);
        }

        long x = PyCompare.ToLong(left);
        long y = PyCompare.ToLong(right);
        if (y == 0)
        {
            throw new PyError("integer division or modulo by zero");
        }

        long q = checked(x / y);
        return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q;
    }

    private static object Modulo(object? left, object? right)
    {
        if (!PyCompare.IsNumber(left) || !PyCompare.IsNumber(right))
        {
            throw Unsupported("%", left, right);
        }

        if (left is double || right is double)
        {
            double a = PyCompare.ToDouble(left);
            double b = PyCompare.ToDouble(right);
            if (b == 0)
            {
                throw new PyError("float modulo");
            }

            double r = a % b;
            return r != 0 && (r < 0) != (b < 0) ? r + b : r;
        }

        long x = PyCompare.ToLong(left);
        long y = PyCompare.ToLong(right);
        if (y == 0)
        {
            throw new PyError("integer division or modulo by zero");
        }

        long m = y == -1 ? 0 : x % y;
        return m != 0 && (m < 0) != (y < 0) ? m + y : m;
    }

    private static object Power(object? left, object? right)
    {
        if (!PyCompare.IsNumber(left) || !PyCompare.IsNumber(right))
        {
            throw Unsupported("** or pow()", left, right);
        }

        if (left is double || right is double || PyCompare.ToLong(right) < 0)
        {
            double a = PyCompare.ToDouble(left);
            double b = PyCompare.ToDouble(right);
            if (a == 0 && b < 0)
            {
                throw new PyError("0.0 cannot be raised to a negative power");
            }

            return Math.Pow(a, b);
        }

        long result = 1;
        long baseValue = PyCompare.ToLong(left);
        for (long exponent = PyCompare.ToLong(right); exponent > 0; exponent >>= 1)
        {
            if ((exponent & 1) != 0)
            {
                result = checked(result * baseValue);
            }

            if (exponent > 1)
            {
                baseValue = checked(baseValue * baseValue);
            }
        }

        return result;
    }

    private static PyError Unsupported(string op, object? left, object? right) =>
        new($"unsupported operand type(s) for {op}: '{PyTypes.Name(left)}' and '{PyTypes.Name(right)}'");

    /// <summary>Refuses a string or list longer than <see cref="MaxSize"/>.</summary>
    public static void CheckSize(long size)
    {
        if (size > MaxSize)
        {
            throw new PyError(string.Create(CultureInfo.InvariantCulture, $"result of {size} items is over the limit of {MaxSize}"));
        }
    }

    /// <summary><c>item in container</c></summary>
    /// <exception cref="PyError">the container is not iterable, or a string is searched for a non-string</exception>
    public static bool Contains(object? container, object? item)
    {
        switch (container)
        {
            case string s:
                return item is string needle
                    ? s.Contains(needle, StringComparison.Ordinal)
                    : throw new PyError($"'in <string>' requires string as left operand, not {PyTypes.Name(item)}");
            case PyDict dict:
                PyKeyComparer.EnsureHashable(item);
                return dict.ContainsKey(item);
            case Namespace or null or long or double or bool or TemplateCallable:
                throw new PyError($"argument of type '{PyTypes.Name(container)}' is not iterable");
        }

        foreach (var value in PyIteration.Items(container))
        {
            if (PyCompare.AreEqual(value, item))
            {
                return true;
            }
        }

        return false;
    }
}

// The test table of "x is name(args)": defined, none, string, mapping, equalto, divisibleby, ... with jinja2's semantics.
namespace Strata.Engine.Templates;

/// <summary>Jinja's built-in tests. A test missing here is refused ("unknown test 'x' at line 3").</summary>
internal static class JinjaTests
{
    private delegate bool Test(Renderer renderer, object? value, Arguments arguments, int line);

    private static readonly Dictionary<string, Test> Table = Build();

    /// <summary>True when a test called <paramref name="name"/> exists.</summary>
    public static bool IsKnown(string name) => Table.ContainsKey(name);

    /// <summary>Runs the test <paramref name="name"/> on <paramref name="value"/>.</summary>
    /// <exception cref="TemplateException">there is no such test</exception>
    public static bool Apply(Renderer renderer, string name, object? value, Arguments arguments, int line) =>
        Table.TryGetValue(name, out var test)
            ? test(renderer, value, arguments, line)
            : throw new TemplateException($"unknown test '{name}'", line);

    private static Dictionary<string, Test> Build()
    {
        var table = new Dictionary<string, Test>(StringComparer.Ordinal);
        Unary(table, "defined", v => v is not Undefined);
        Unary(table, "undefined", v => v is Undefined);
        Unary(table, "none", v => v is null);
        Unary(table, "boolean", v => v is bool);
        Unary(table, "true", v => v is true);
        Unary(table, "false", v => v is false);
        Unary(table, "integer", v => v is long);
        Unary(table, "float", v => v is double);
        Unary(table, "number", PyCompare.IsNumber);
        Unary(table, "string", v => v is string);
        Unary(table, "mapping", v => v is PyDict);
        Unary(table, "sequence", v => v is string or PyDict or Undefined or PyList { IsIndexable: true });
        Unary(table, "iterable", v => v is string or PyDict or PyList or PyGenerator or Undefined);
        Unary(table, "callable", v => v is TemplateCallable or Undefined);
        Unary(table, "lower", v => PythonText.IsCase(PyRepr.Str(v), lower: true));
        Unary(table, "upper", v => PythonText.IsCase(PyRepr.Str(v), lower: false));
        Unary(table, "escaped", _ => false);
        Unary(table, "odd", v => PyCompare.AreEqual(PyOperators.Arithmetic(Expression.ArithmeticOperator.Modulo, v, 2L), 1L));
        Unary(table, "even", v => PyCompare.AreEqual(PyOperators.Arithmetic(Expression.ArithmeticOperator.Modulo, v, 2L), 0L));
        Unary(table, "filter", v => v is string name && JinjaFilters.IsKnown(name));
        Unary(table, "test", v => v is string name && IsKnown(name));
        Binary(table, "divisibleby", "num", (v, n) => PyCompare.AreEqual(PyOperators.Arithmetic(Expression.ArithmeticOperator.Modulo, v, n), 0L));
        Binary(table, "sameas", "other", SameAs);
        Binary(table, "in", "seq", (v, seq) => PyOperators.Contains(seq, v));
        Comparison(table, ["==", "eq", "equalto"], (a, b) => PyCompare.AreEqual(a, b));
        Comparison(table, ["!=", "ne"], (a, b) => !PyCompare.AreEqual(a, b));
        Comparison(table, [">", "gt", "greaterthan"], (a, b) => Order(a, b, ">") > 0);
        Comparison(table, [">=", "ge"], (a, b) => Order(a, b, ">=") >= 0);
        Comparison(table, ["<", "lt", "lessthan"], (a, b) => Order(a, b, "<") < 0);
        Comparison(table, ["<=", "le"], (a, b) => Order(a, b, "<=") <= 0);
        return table;
    }

    private static void Unary(Dictionary<string, Test> table, string name, Func<object?, bool> test) =>
        table[name] = (_, value, arguments, line) =>
        {
            arguments.BindNone(name, line);
            return test(value);
        };

    private static void Binary(Dictionary<string, Test> table, string name, string parameter, Func<object?, object?, bool> test) =>
        table[name] = (_, value, arguments, line) => test(value, arguments.Bind(name, line, [parameter], [Arguments.Required])[0]);

    private static void Comparison(Dictionary<string, Test> table, string[] names, Func<object?, object?, bool> test)
    {
        foreach (string name in names)
        {
            Binary(table, name, "b", test);
        }
    }

    private static int Order(object? a, object? b, string op)
    {
        PyOperators.FailIfUndefined(a);
        PyOperators.FailIfUndefined(b);
        return PyCompare.Order(a, b, op);
    }

    /// <summary>Python's <c>is</c>: None, booleans and small ints are singletons; other values only when they are the same object.</summary>
    private static bool SameAs(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (bool x, bool y) => x == y,
        (long x, long y) => x == y && x is >= -5 and <= 256,
        (Undefined, _) or (_, Undefined) => false,
        _ => ReferenceEquals(a, b),
    };
}

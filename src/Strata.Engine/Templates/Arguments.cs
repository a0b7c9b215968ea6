// The evaluated arguments of a call and their binding to a Python-style signature, with Python's error messages.
namespace Strata.Engine.Templates;

/// <summary>Positional and keyword argument values of one call.</summary>
internal sealed class Arguments
{
    /// <summary>No arguments.</summary>
    public static readonly Arguments None = new([], []);

    /// <summary>Marks a parameter without a default in <see cref="Bind"/>.</summary>
    public static readonly object Required = new();

    /// <summary>Arguments with <paramref name="positional"/> values and <paramref name="keywords"/> in call order.</summary>
    public Arguments(IReadOnlyList<object?> positional, IReadOnlyList<KeyValuePair<string, object?>> keywords)
    {
        Positional = positional;
        Keywords = keywords;
    }

    /// <summary>Positional values.</summary>
    public IReadOnlyList<object?> Positional { get; }

    /// <summary>name=value pairs, in call order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Keywords { get; }

    /// <summary>
    /// Binds to parameters <paramref name="names"/> with <paramref name="defaults"/> (<see cref="Required"/> for none),
    /// as Python binds a call. <paramref name="callee"/> names the function in errors.
    /// </summary>
    /// <exception cref="TemplateException">too many, unknown, repeated or missing arguments</exception>
    public object?[] Bind(string callee, int line, string[] names, object?[] defaults)
    {
        if (Positional.Count > names.Length)
        {
            throw new TemplateException($"{callee}() takes at most {names.Length} argument(s) ({Positional.Count} given)", line);
        }

        var values = new object?[names.Length];
        var set = new bool[names.Length];
        for (int i = 0; i < Positional.Count; i++)
        {
            values[i] = Positional[i];
            set[i] = true;
        }

        foreach (var (name, value) in Keywords)
        {
            int index = Array.IndexOf(names, name);
            if (index < 0)
            {
                throw new TemplateException($"{callee}() got an unexpected keyword argument '{name}'", line);
            }

            if (set[index])
            {
                throw new TemplateException($"{callee}() got multiple values for argument '{name}'", line);
            }

            values[index] = value;
            set[index] = true;
        }

        for (int i = 0; i < names.Length; i++)
        {
            if (!set[i])
            {
                values[i] = ReferenceEquals(defaults[i], Required)
                    ? throw new TemplateException($"{callee}() missing required argument '{names[i]}'", line)
                    : defaults[i];
            }
        }

        return values;
    }

    /// <summary>Fails unless the call has no arguments.</summary>
    /// <exception cref="TemplateException">some argument was passed</exception>
    public void BindNone(string callee, int line) => Bind(callee, line, [], []);
}

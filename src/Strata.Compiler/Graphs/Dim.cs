// One dimension of a tensor shape: a fixed size, or a product of a factor and named symbols (batch, sequence) bound at run time.
using System.Text;

namespace Strata.Compiler.Graphs;

/// <summary>
/// A dimension: <see cref="Factor"/> × the product of <see cref="Symbols"/> (sorted names joined by '*', empty for a fixed
/// size). "batch", "batch*sequence" and 384 are dims; so is 12*sequence. A dim nobody can know (an unknown operator's output)
/// is <see cref="Unknown"/>.
/// </summary>
public readonly record struct Dim
{
    private readonly string? _symbols;

    private Dim(long factor, string symbols)
    {
        Factor = factor;
        _symbols = symbols;
    }

    /// <summary>The constant factor (the whole size when <see cref="IsKnown"/>); -1 for <see cref="Unknown"/>.</summary>
    public long Factor { get; }

    /// <summary>Sorted symbol names joined by '*'; empty for a fixed size.</summary>
    public string Symbols => _symbols ?? string.Empty;

    /// <summary>True when the size is a fixed number.</summary>
    public bool IsKnown => Factor >= 0 && Symbols.Length == 0;

    /// <summary>True when nothing is known about the size.</summary>
    public bool IsUnknown => Factor < 0;

    /// <summary>A dim nothing is known about.</summary>
    public static Dim Unknown => new(-1, string.Empty);

    /// <summary>A fixed size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">negative size</exception>
    public static Dim Of(long size) => size >= 0 ? new(size, string.Empty) : throw new ArgumentOutOfRangeException(nameof(size), size, "a dim is non-negative");

    /// <summary>A named symbol, e.g. "batch".</summary>
    /// <exception cref="ArgumentException">empty name, or a name holding '*' or '?'</exception>
    public static Dim Symbol(string name) =>
        !string.IsNullOrEmpty(name) && name.IndexOfAny(['*', '?', ' ']) < 0 ? new(1, name) : throw new ArgumentException($"'{name}' is not a symbol name", nameof(name));

    /// <summary>The product of two dims (unknown when either is).</summary>
    public Dim Times(Dim other)
    {
        if (IsUnknown || other.IsUnknown)
        {
            return Unknown;
        }

        return new(checked(Factor * other.Factor), JoinSymbols(Symbols, other.Symbols));
    }

    /// <summary>The dim q with q × <paramref name="divisor"/> = this, when one exists.</summary>
    public bool TryDivide(Dim divisor, out Dim quotient)
    {
        quotient = Unknown;
        if (IsUnknown || divisor.IsUnknown || divisor.Factor == 0 || Factor % divisor.Factor != 0)
        {
            return false;
        }

        var remaining = new List<string>(SplitSymbols(Symbols));
        foreach (string s in SplitSymbols(divisor.Symbols))
        {
            if (!remaining.Remove(s))
            {
                return false;
            }
        }

        quotient = new(Factor / divisor.Factor, string.Join('*', remaining));
        return true;
    }

    /// <summary>The size with every symbol bound.</summary>
    /// <exception cref="InvalidOperationException">unknown dim, or a symbol without a binding</exception>
    public long Evaluate(IReadOnlyDictionary<string, long> bindings)
    {
        if (IsUnknown)
        {
            throw new InvalidOperationException("an unknown dim has no size");
        }

        long size = Factor;
        foreach (string s in SplitSymbols(Symbols))
        {
            size = checked(size * (bindings.TryGetValue(s, out long v) ? v : throw new InvalidOperationException($"symbol '{s}' is not bound")));
        }

        return size;
    }

    /// <summary>Reads the text <see cref="ToString"/> writes: "?", a size, a symbol product, or a factor times one.</summary>
    /// <exception cref="FormatException">the text is not a dim</exception>
    public static Dim Parse(string text)
    {
        if (text == "?")
        {
            return Unknown;
        }

        var dim = Of(1);
        foreach (string part in text.Split('*'))
        {
            if (part.Length == 0)
            {
                throw new FormatException($"'{text}' is not a dim");
            }

            dim = dim.Times(char.IsAsciiDigit(part[0])
                ? Of(long.Parse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture))
                : Symbol(part));
        }

        return dim;
    }

    /// <summary>The symbol names, each as often as it multiplies.</summary>
    public static string[] SplitSymbols(string symbols) => symbols.Length == 0 ? [] : symbols.Split('*');

    /// <inheritdoc/>
    public override string ToString() => IsUnknown ? "?" : Symbols.Length == 0 ? Factor.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Factor == 1 ? Symbols : $"{Factor}*{Symbols}";

    private static string JoinSymbols(string a, string b)
    {
        if (a.Length == 0)
        {
            return b;
        }

        if (b.Length == 0)
        {
            return a;
        }

        var all = new List<string>(SplitSymbols(a));
        all.AddRange(SplitSymbols(b));
        all.Sort(StringComparer.Ordinal);
        return string.Join('*', all);
    }
}

// GBNF for the decimal integers between two bounds, digit by digit (no leading zeros, no "-0").
using System.Globalization;

namespace Strata.Engine.Grammar;

/// <summary>
/// Writes a GBNF expression matching exactly the JSON integers n with low ≤ n ≤ high, either bound optional. A missing
/// upper bound means up to <see cref="MaxDigits"/> digits, as llama.cpp's integral-part. The non-negative numbers are
/// split by digit count; a range of numbers with the same count is written from the first digit where its ends differ:
/// the low end's digit with the rest at or above the low end's rest, the digits strictly between with any rest, the high
/// end's digit with the rest at or below the high end's rest. Negative numbers are "-" and a magnitude range.
/// </summary>
internal static class IntegerRange
{
    /// <summary>Most digits of a magnitude with no upper bound.</summary>
    public const int MaxDigits = 16;

    /// <summary>The expression (parenthesised) for integers in [<paramref name="low"/>, <paramref name="high"/>]; null bounds are open.</summary>
    /// <exception cref="ArgumentException">the range holds no integer</exception>
    public static string Expression(long? low, long? high)
    {
        var alternatives = new List<string>();
        if (high is null || high >= 0)
        {
            alternatives.Add(Magnitudes(Math.Max(low ?? 0, 0), high));
        }

        if (low is null || low < 0)
        {
            long smallest = high is { } h && h < 0 ? -h : 1;
            long? largest = low is { } l ? -l : null;
            if (largest is null || smallest <= largest)
            {
                alternatives.Add("\"-\" " + Magnitudes(smallest, largest));
            }
        }

        if (alternatives.Count == 0 || (low is { } a && high is { } b && a > b))
        {
            throw new ArgumentException($"no integer lies in [{low}, {high}]");
        }

        return alternatives.Count == 1 ? alternatives[0] : "( " + string.Join(" | ", alternatives) + " )";
    }

    /// <summary>Magnitudes (no sign) in [<paramref name="low"/>, <paramref name="high"/>], low ≥ 0, high null = up to 16 digits.</summary>
    public static string Magnitudes(long low, long? high)
    {
        int lowDigits = Digits(low);
        var parts = new List<string>();
        if (high is not { } top)
        {
            if (lowDigits <= MaxDigits)
            {
                parts.Add(SameLength(Text(low), new string('9', lowDigits)));
            }

            if (lowDigits < MaxDigits)
            {
                parts.Add($"[1-9] [0-9]{{{lowDigits},{MaxDigits - 1}}}");
            }
        }
        else
        {
            int highDigits = Digits(top);
            for (int d = lowDigits; d <= highDigits; d++)
            {
                long from = d == lowDigits ? low : Pow10(d - 1);
                long to = d == highDigits ? top : Pow10(d) - 1;
                parts.Add(SameLength(Text(from), Text(to)));
            }
        }

        if (parts.Count == 0)
        {
            throw new ArgumentException($"magnitudes from {low} have more than {MaxDigits} digits and no upper bound");
        }

        return parts.Count == 1 ? parts[0] : "( " + string.Join(" | ", parts) + " )";
    }

    // Numbers between x and y, both of the same digit count, x ≤ y.
    private static string SameLength(string x, string y)
    {
        int i = 0;
        while (i < x.Length && x[i] == y[i])
        {
            i++;
        }

        string prefix = i > 0 ? "\"" + x[..i] + "\"" : string.Empty;
        if (i == x.Length)
        {
            return prefix;
        }

        int rest = x.Length - i - 1;
        string lowRest = x[(i + 1)..];
        string highRest = y[(i + 1)..];
        bool lowAll = lowRest.Trim('0').Length == 0;
        bool highAll = highRest.Trim('9').Length == 0;
        var parts = new List<string>();
        char first = x[i];
        char last = y[i];
        if (!lowAll)
        {
            parts.Add(Digit(first, first) + " " + Group(SameLength(lowRest, new string('9', rest))));
            first++;
        }

        string? tail = null;
        if (!highAll)
        {
            tail = Digit(last, last) + " " + Group(SameLength(new string('0', rest), highRest));
            last--;
        }

        if (first <= last)
        {
            parts.Add(Digit(first, last) + AnyDigits(rest));
        }

        if (tail is not null)
        {
            parts.Add(tail);
        }

        string body = parts.Count == 1 ? parts[0] : "( " + string.Join(" | ", parts) + " )";
        return prefix.Length == 0 ? body : prefix + " " + body;
    }

    private static string Group(string expression) => expression.Contains(' ', StringComparison.Ordinal) ? "( " + expression + " )" : expression;

    private static string Digit(char from, char to) => from == to ? $"\"{from}\"" : $"[{from}-{to}]";

    private static string AnyDigits(int count) => count switch
    {
        0 => string.Empty,
        1 => " [0-9]",
        _ => $" [0-9]{{{count}}}",
    };

    private static int Digits(long value) => Text(value).Length;

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static long Pow10(int exponent)
    {
        long value = 1;
        for (int i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }
}

// Python's fixed, exponent and general float formats ('%.2f', '{:e}', '%g'), shared by str.format and % formatting.
using System.Globalization;

namespace Strata.Engine.Templates;

/// <summary>Float and integer conversions with Python's output: two-digit exponents, 'g' trimming, nan/inf.</summary>
internal static class NumberFormat
{
    /// <summary>Formats <paramref name="value"/> with conversion <paramref name="type"/> (f F e E g G %) and
    /// <paramref name="precision"/> digits (6 when null); <paramref name="alternate"/> is the # flag.</summary>
    public static string Float(double value, char type, int? precision, bool alternate = false)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            string special = double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
            return char.IsUpper(type) ? special.ToUpperInvariant() : special;
        }

        int p = precision ?? 6;
        if (p > 1000)
        {
            throw new PyError("precision too big");
        }

        string sign = double.IsNegative(value) ? "-" : "";
        string text = type switch
        {
            'f' or 'F' => ExactDecimal.Fixed(value, p),
            'e' or 'E' => Exponent(value, p),
            '%' => ExactDecimal.Fixed(value * 100, p) + "%",
            _ => General(value, p == 0 ? 1 : p, alternate),
        };
        if (alternate && type is 'f' or 'F' or 'e' or 'E' && p == 0)
        {
            int e = text.IndexOf('e', StringComparison.Ordinal);
            text = e < 0 ? text + "." : text[..e] + "." + text[e..];
        }

        text = sign + text;
        return type is 'E' or 'G' or 'F' ? text.ToUpperInvariant() : text;
    }

    /// <summary>|value| as <c>'%.{precision}e'</c>: d.ddde+XX with at least two exponent digits.</summary>
    private static string Exponent(double value, int precision)
    {
        var (digits, exponent) = ExactDecimal.Scientific(value, precision);
        string mantissa = precision == 0 ? digits : digits[..1] + "." + digits[1..];
        return mantissa + (exponent < 0 ? "e-" : "e+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>|value| as <c>'%.{precision}g'</c>.</summary>
    private static string General(double value, int precision, bool alternate)
    {
        var (_, exponent) = ExactDecimal.Scientific(value, precision - 1);
        string text = exponent >= -4 && exponent < precision
            ? ExactDecimal.Fixed(value, precision - 1 - exponent)
            : Exponent(value, precision - 1);
        return alternate ? text : TrimZeros(text);
    }

    private static string TrimZeros(string text)
    {
        int e = text.IndexOf('e', StringComparison.Ordinal);
        string mantissa = e < 0 ? text : text[..e];
        string exponent = e < 0 ? "" : text[e..];
        if (mantissa.Contains('.', StringComparison.Ordinal))
        {
            mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        }

        return mantissa + exponent;
    }

    /// <summary>Formats an int in base <paramref name="type"/> (d, x, X, o, b); <paramref name="alternate"/> adds 0x/0o/0b.</summary>
    public static string Integer(long value, char type, bool alternate = false)
    {
        string sign = value < 0 ? "-" : "";
        ulong magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        string digits = type switch
        {
            'x' => magnitude.ToString("x", CultureInfo.InvariantCulture),
            'X' => magnitude.ToString("X", CultureInfo.InvariantCulture),
            'o' => Convert.ToString((long)magnitude, 8),
            'b' => Convert.ToString((long)magnitude, 2),
            _ => magnitude.ToString(CultureInfo.InvariantCulture),
        };
        string prefix = !alternate ? "" : type switch { 'x' => "0x", 'X' => "0X", 'o' => "0o", 'b' => "0b", _ => "" };
        return sign + prefix + digits;
    }
}

// Python's repr of a float: the shortest digits that round-trip, fixed or exponent notation by Python's thresholds.
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>Formats doubles as Python's <c>repr(float)</c> (and so <c>str()</c> and <c>json.dumps</c>) does.</summary>
internal static class PyFloat
{
    /// <summary><c>repr(value)</c>: 1.0, 0.1, 1e+16, 1.5e-07, nan, inf, -0.0.</summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        string sign = double.IsNegative(value) ? "-" : "";
        if (value == 0)
        {
            return sign + "0.0";
        }

        var (digits, point) = ShortestDigits(Math.Abs(value));
        return sign + (point is <= -4 or > 16 ? Exponent(digits, point) : Fixed(digits, point));
    }

    /// <summary>The shortest round-trip digits (no leading or trailing zeros) and the decimal point position:
    /// the value is 0.digits × 10^point.</summary>
    private static (string Digits, int Point) ShortestDigits(double value)
    {
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E', StringComparison.Ordinal);
        string mantissa = e < 0 ? r : r[..e];
        int exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string whole = dot < 0 ? mantissa : mantissa[..dot];
        string digits = whole + (dot < 0 ? "" : mantissa[(dot + 1)..]);
        int point = whole.Length + exponent;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
            point--;
        }

        digits = digits[lead..].TrimEnd('0');
        return (digits.Length == 0 ? "0" : digits, point);
    }

    private static string Exponent(string digits, int point)
    {
        var text = new StringBuilder();
        text.Append(digits[0]);
        if (digits.Length > 1)
        {
            text.Append('.').Append(digits, 1, digits.Length - 1);
        }

        int exponent = point - 1;
        text.Append(exponent < 0 ? "e-" : "e+").Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        return text.ToString();
    }

    private static string Fixed(string digits, int point)
    {
        if (point <= 0)
        {
            return "0." + new string('0', -point) + digits;
        }

        if (point >= digits.Length)
        {
            return digits + new string('0', point - digits.Length) + ".0";
        }

        return digits[..point] + "." + digits[point..];
    }
}

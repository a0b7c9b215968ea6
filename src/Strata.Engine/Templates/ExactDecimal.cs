// Decimal rounding of a double's exact binary value, ties to even, as CPython's float formatting and round() do.
using System.Globalization;
using System.Numerics;

namespace Strata.Engine.Templates;

/// <summary>
/// Exact decimal forms of doubles: 2.675 is stored as 2.67499999..., so Python's <c>'%.2f' % 2.675</c> and
/// <c>round(2.675, 2)</c> give 2.67. .NET's "F2" gives 2.68, so these compute from the exact value instead.
/// </summary>
internal static class ExactDecimal
{
    /// <summary>|<paramref name="value"/>| × 10^<paramref name="power"/>, rounded to an integer, ties to even.</summary>
    public static BigInteger ScaledRound(double value, int power)
    {
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(value));
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xF_FFFF_FFFF_FFFF;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        exponent -= 1075;
        BigInteger numerator = mantissa;
        BigInteger denominator = BigInteger.One;
        if (exponent > 0)
        {
            numerator <<= exponent;
        }
        else
        {
            denominator <<= -exponent;
        }

        if (power >= 0)
        {
            numerator *= BigInteger.Pow(10, power);
        }
        else
        {
            denominator *= BigInteger.Pow(10, -power);
        }

        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        var twice = remainder * 2;
        return twice > denominator || (twice == denominator && !quotient.IsEven) ? quotient + 1 : quotient;
    }

    /// <summary>|<paramref name="value"/>| with <paramref name="digits"/> decimals ("%.{digits}f" without the sign).</summary>
    public static string Fixed(double value, int digits)
    {
        string text = ScaledRound(value, digits).ToString(CultureInfo.InvariantCulture);
        if (digits == 0)
        {
            return text;
        }

        text = text.PadLeft(digits + 1, '0');
        return text[..^digits] + "." + text[^digits..];
    }

    /// <summary>The <paramref name="precision"/> + 1 significant digits of |<paramref name="value"/>| and its decimal
    /// exponent, as "%.{precision}e" writes them.</summary>
    public static (string Digits, int Exponent) Scientific(double value, int precision)
    {
        if (value == 0)
        {
            return (new string('0', precision + 1), 0);
        }

        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        for (int attempt = 0; attempt < 4; attempt++)
        {
            string digits = ScaledRound(value, precision - exponent).ToString(CultureInfo.InvariantCulture);
            if (digits.Length == precision + 1)
            {
                return (digits, exponent);
            }

            exponent += digits.Length > precision + 1 ? 1 : -1;
        }

        throw new PyError("float formatting did not converge");
    }
}

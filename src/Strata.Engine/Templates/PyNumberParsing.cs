// Python's int(text, base) and float(text) parsing, for the int and float filters.
using System.Globalization;
using System.Text.RegularExpressions;

namespace Strata.Engine.Templates;

/// <summary>Parses numbers from text as Python's <c>int()</c> and <c>float()</c> accept them: surrounding
/// whitespace, a sign, underscores between digits, base prefixes, inf and nan.</summary>
internal static partial class PyNumberParsing
{
    /// <summary><c>int(text, base)</c>; false where Python raises ValueError.</summary>
    public static bool TryParseInt(string text, long radix, out long value)
    {
        value = 0;
        string s = PythonText.Strip(text);
        bool negative = s.StartsWith('-');
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            s = s[1..];
        }

        if (!TryStripPrefix(ref s, ref radix) || radix is < 2 or > 36 || s.Length == 0 || s[0] == '_' || s[^1] == '_'
            || s.Contains("__", StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            foreach (char c in s)
            {
                if (c == '_')
                {
                    continue;
                }

                int digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
                if (digit >= radix)
                {
                    return false;
                }

                value = checked((value * radix) + digit);
            }
        }
        catch (OverflowException)
        {
            return false;
        }

        value = negative ? -value : value;
        return true;
    }

    /// <summary>Removes a 0x/0o/0b prefix (which must agree with <paramref name="radix"/> unless it is 0); base 0
    /// without a prefix is decimal, where leading zeros are not allowed.</summary>
    private static bool TryStripPrefix(ref string s, ref long radix)
    {
        if (s.Length > 1 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'x' or 'o' or 'b')
        {
            long prefixRadix = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            if (radix != 0 && radix != prefixRadix)
            {
                return false;
            }

            radix = prefixRadix;
            s = s[2..].StartsWith('_') ? s[3..] : s[2..];
            return true;
        }

        if (radix == 0)
        {
            radix = 10;
            return !(s.Length > 1 && s.TrimStart('0', '_').Length != s.Length && s.Trim('0', '_').Length > 0);
        }

        return true;
    }

    /// <summary><c>float(text)</c>; false where Python raises ValueError.</summary>
    public static bool TryParseFloat(string text, out double value)
    {
        string s = PythonText.Strip(text);
        var special = Special().Match(s);
        if (special.Success)
        {
            bool negative = s.StartsWith('-');
            value = string.Equals(special.Groups[1].Value, "nan", StringComparison.OrdinalIgnoreCase) ? double.NaN : negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (!Decimal().IsMatch(s))
        {
            value = 0;
            return false;
        }

        return double.TryParse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex(@"^[+-]?(inf|infinity|nan)$", RegexOptions.IgnoreCase)]
    private static partial Regex Special();

    [GeneratedRegex(@"^[+-]?((\d(_?\d)*)(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$")]
    private static partial Regex Decimal();
}

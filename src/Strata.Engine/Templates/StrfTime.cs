// Python's datetime.strftime for strftime_now(format), over the instant the render was given (never the clock).
using System.Globalization;
using System.Text;

namespace Strata.Engine.Templates;

/// <summary>
/// <c>datetime.strftime</c> with the C-locale codes Python passes to glibc: %Y %m %d %H %M %S %b %B %a %A %y %j %p
/// %I %f %z %Z %c %x %X %D %F %T %R %e %U %W %w %u and the %-d style (no padding) forms.
/// </summary>
internal static class StrfTime
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>Formats <paramref name="time"/> (its own wall-clock time and offset) with <paramref name="format"/>.</summary>
    /// <exception cref="PyError">a code this interpreter does not implement</exception>
    public static string Format(DateTimeOffset time, string format)
    {
        var text = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                text.Append(c);
                continue;
            }

            char code = format[++i];
            bool unpadded = code == '-' && i + 1 < format.Length;
            if (unpadded)
            {
                code = format[++i];
            }

            string value = Code(time, code);
            text.Append(unpadded ? value.TrimStart('0', ' ') is { Length: > 0 } v ? v : "0" : value);
        }

        return text.ToString();
    }

    private static string Code(DateTimeOffset t, char code) => code switch
    {
        'Y' => t.Year.ToString(CultureInfo.InvariantCulture),
        'y' => Two(t.Year % 100),
        'C' => Two(t.Year / 100),
        'm' => Two(t.Month),
        'd' => Two(t.Day),
        'e' => t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
        'H' => Two(t.Hour),
        'k' => t.Hour.ToString(CultureInfo.InvariantCulture).PadLeft(2),
        'I' => Two(Hour12(t)),
        'l' => Hour12(t).ToString(CultureInfo.InvariantCulture).PadLeft(2),
        'M' => Two(t.Minute),
        'S' => Two(t.Second),
        'f' => (t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", CultureInfo.InvariantCulture),
        'p' => t.Hour < 12 ? "AM" : "PM",
        'P' => t.Hour < 12 ? "am" : "pm",
        'b' or 'h' => Months[t.Month - 1][..3],
        'B' => Months[t.Month - 1],
        'a' => Days[(int)t.DayOfWeek][..3],
        'A' => Days[(int)t.DayOfWeek],
        'w' => ((int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
        'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
        'j' => t.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
        'U' => Two((t.DayOfYear + 6 - (int)t.DayOfWeek) / 7),
        'W' => Two((t.DayOfYear + 6 - (((int)t.DayOfWeek + 6) % 7)) / 7),
        'z' => Offset(t.Offset, colon: false),
        'Z' => t.Offset == TimeSpan.Zero ? "UTC" : "UTC" + Offset(t.Offset, colon: true),
        'c' => $"{Code(t, 'a')} {Code(t, 'b')} {Code(t, 'e')} {Code(t, 'T')} {t.Year}",
        'x' or 'D' => $"{Two(t.Month)}/{Two(t.Day)}/{Two(t.Year % 100)}",
        'X' or 'T' => $"{Two(t.Hour)}:{Two(t.Minute)}:{Two(t.Second)}",
        'F' => $"{t.Year}-{Two(t.Month)}-{Two(t.Day)}",
        'R' => $"{Two(t.Hour)}:{Two(t.Minute)}",
        'n' => "\n",
        't' => "\t",
        '%' => "%",
        _ => throw new PyError($"unsupported strftime code '%{code}'"),
    };

    private static int Hour12(DateTimeOffset t) => t.Hour % 12 == 0 ? 12 : t.Hour % 12;

    private static string Two(int value) => value.ToString("00", CultureInfo.InvariantCulture);

    private static string Offset(TimeSpan offset, bool colon)
    {
        string sign = offset < TimeSpan.Zero ? "-" : "+";
        var magnitude = offset.Duration();
        return sign + Two(magnitude.Hours) + (colon ? ":" : "") + Two(magnitude.Minutes);
    }
}

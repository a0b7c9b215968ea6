// A UTF-8 sequence cut short by a token boundary, packed in one int, and the code points it can still become.
namespace Strata.Engine.Grammar;

/// <summary>
/// The bytes of a multi-byte UTF-8 character seen so far, packed as value (bits 0-20), continuation bytes still
/// expected (bits 21-22) and the sequence length (bits 23-25); 0 means "between characters". Only well-formed UTF-8 is
/// accepted: no overlong forms, no surrogates, nothing above U+10FFFF (the text must decode losslessly).
/// </summary>
internal static class Utf8Partial
{
    /// <summary>Starts a sequence with lead byte <paramref name="lead"/>; 0 when it is not a lead byte.</summary>
    public static int Start(byte lead) => lead switch
    {
        >= 0xC2 and <= 0xDF => Pack(lead & 0x1F, 1, 2),
        >= 0xE0 and <= 0xEF => Pack(lead & 0x0F, 2, 3),
        >= 0xF0 and <= 0xF4 => Pack(lead & 0x07, 3, 4),
        _ => 0,
    };

    /// <summary>Appends continuation byte <paramref name="next"/>; false when it is not one.</summary>
    public static bool Continue(int partial, byte next, out int value, out int remaining, out int length)
    {
        value = ((partial & 0x1FFFFF) << 6) | (next & 0x3F);
        remaining = ((partial >> 21) & 3) - 1;
        length = (partial >> 23) & 7;
        return (next & 0xC0) == 0x80;
    }

    /// <summary>Packs a sequence still expecting <paramref name="remaining"/> bytes.</summary>
    public static int Pack(int value, int remaining, int length) => value | (remaining << 21) | (length << 23);

    /// <summary>
    /// The code points a sequence of <paramref name="length"/> bytes with <paramref name="value"/> so far and
    /// <paramref name="remaining"/> bytes to come can still become, clipped to well-formed UTF-8; false when none.
    /// Surrogates lie inside the range only for lead byte ED, whose second byte then decides; the caller splits there.
    /// </summary>
    public static bool Range(int value, int remaining, int length, out int low, out int high)
    {
        int shift = 6 * remaining;
        low = value << shift;
        high = low | ((1 << shift) - 1);
        (int min, int max) = length switch
        {
            2 => (0x80, 0x7FF),
            3 => (0x800, 0xFFFF),
            _ => (0x10000, 0x10FFFF),
        };
        low = Math.Max(low, min);
        high = Math.Min(high, max);
        if (length == 3)
        {
            if (low >= 0xD800 && high <= 0xDFFF)
            {
                return false;
            }

            if (low >= 0xD800 && low <= 0xDFFF)
            {
                low = 0xE000;
            }

            if (high >= 0xD800 && high <= 0xDFFF)
            {
                high = 0xD7FF;
            }
        }

        return low <= high;
    }
}

// The value rules every store shares: enums by name, times as (UTC ticks, offset minutes), integers that must fit an int.
namespace Strata.Agents;

/// <summary>
/// Conversions a store applies to column values, whatever the database. Readers throw
/// <see cref="InvalidDataException"/> naming the column when a stored value cannot be what the schema says (an
/// unknown enum name, a time out of range); each store turns that into a <see cref="StoreException"/> naming itself.
/// </summary>
internal static class StoreValues
{
    /// <summary>The largest offset from UTC a <see cref="DateTimeOffset"/> may carry, in minutes.</summary>
    public const int MaxOffsetMinutes = 14 * 60;

    /// <summary>The name an enum value is stored by.</summary>
    /// <exception cref="ArgumentOutOfRangeException">the value has no name (a cast from a number)</exception>
    public static string Name<T>(T value, string field)
        where T : struct, Enum
    {
        return Enum.IsDefined(value)
            ? value.ToString()
            : throw new ArgumentOutOfRangeException(field, value, $"{field}: {value} is not a {typeof(T).Name} value");
    }

    /// <summary>The enum value a stored name stands for.</summary>
    /// <exception cref="InvalidDataException">the name is not one of the enum's</exception>
    public static T Named<T>(string text, string column)
        where T : struct, Enum
    {
        if (Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            && value.ToString() == text)
        {
            return value;
        }

        throw new InvalidDataException(
            $"column {column} holds '{text}', which is not a name of {typeof(T).Name} that this Strata knows (written by a newer one?)");
    }

    /// <summary>A stored integer that must fit an <see cref="int"/>.</summary>
    /// <exception cref="InvalidDataException">the value is out of range</exception>
    public static int Int32(long value, string column)
    {
        return value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new InvalidDataException($"column {column} holds {value}, which does not fit a 32-bit integer");
    }

    /// <summary>The offset a time is stored with, in minutes.</summary>
    public static int OffsetMinutes(DateTimeOffset value) => (int)value.TotalOffsetMinutes;

    /// <summary>The time stored as UTC ticks and an offset in minutes (columns <c>{column}_ticks</c> and <c>{column}_offset_minutes</c>).</summary>
    /// <exception cref="InvalidDataException">the ticks or offset are out of range</exception>
    public static DateTimeOffset Time(long ticks, long offsetMinutes, string column)
    {
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks
            || offsetMinutes is < -MaxOffsetMinutes or > MaxOffsetMinutes)
        {
            throw new InvalidDataException(
                $"columns {column}_ticks/{column}_offset_minutes hold {ticks}/{offsetMinutes}, which is not a time");
        }

        var utc = new DateTimeOffset(ticks, TimeSpan.Zero);
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        var local = utc.UtcTicks + offset.Ticks;
        if (local < DateTime.MinValue.Ticks || local > DateTime.MaxValue.Ticks)
        {
            throw new InvalidDataException(
                $"columns {column}_ticks/{column}_offset_minutes hold {ticks}/{offsetMinutes}, whose local time is out of range");
        }

        return utc.ToOffset(offset);
    }

    /// <summary>Rejects a time whose two columns are not both NULL or both set.</summary>
    /// <returns>True when both are NULL (no time).</returns>
    /// <exception cref="InvalidDataException">only one of the two is NULL</exception>
    public static bool BothNull(bool ticksNull, bool offsetNull, string column)
    {
        return ticksNull == offsetNull
            ? ticksNull
            : throw new InvalidDataException($"columns {column}_ticks and {column}_offset_minutes are not both NULL or both set");
    }
}

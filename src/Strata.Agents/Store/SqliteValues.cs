// How store values cross into SQLite and back: parameters by name, times as (UTC ticks, offset), enums by name.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>
/// Binding and reading of column values. Readers throw <see cref="InvalidDataException"/> naming the column when a
/// stored value cannot be what the schema says (an unknown enum name, a time out of range); the store turns that
/// into a <see cref="StoreException"/> naming the file.
/// </summary>
internal static class SqliteValues
{
    private const int MaxOffsetMinutes = 14 * 60;

    /// <summary>Sets a parameter's value (null as SQL NULL), adding the parameter on a command's first use.</summary>
    public static void Set(SqliteCommand command, string name, object? value)
    {
        var index = command.Parameters.IndexOf(name);
        if (index < 0)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            return;
        }

        command.Parameters[index].Value = value ?? DBNull.Value;
    }

    /// <summary>Sets a time as its UTC ticks and its offset in minutes.</summary>
    public static void SetTime(SqliteCommand command, string ticksName, string offsetName, DateTimeOffset? value)
    {
        Set(command, ticksName, value?.UtcTicks);
        Set(command, offsetName, value is { } time ? (long)time.TotalOffsetMinutes : null);
    }

    /// <summary>The name an enum value is stored by.</summary>
    /// <exception cref="ArgumentOutOfRangeException">the value has no name (a cast from a number)</exception>
    public static string Name<T>(T value, string field)
        where T : struct, Enum
    {
        return Enum.IsDefined(value)
            ? value.ToString()
            : throw new ArgumentOutOfRangeException(field, value, $"{field}: {value} is not a {typeof(T).Name} value");
    }

    /// <summary>Reads a text column that may be NULL.</summary>
    public static string? Text(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    /// <summary>Reads an enum stored by name.</summary>
    /// <exception cref="InvalidDataException">the name is not one of the enum's</exception>
    public static T Named<T>(SqliteDataReader row, int ordinal, string column)
        where T : struct, Enum
    {
        var text = row.GetString(ordinal);
        if (Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            && value.ToString() == text)
        {
            return value;
        }

        throw new InvalidDataException(
            $"column {column} holds '{text}', which is not a name of {typeof(T).Name} that this Strata knows (written by a newer one?)");
    }

    /// <summary>Reads an integer column that must fit an <see cref="int"/>.</summary>
    /// <exception cref="InvalidDataException">the value is out of range</exception>
    public static int Int32(SqliteDataReader row, int ordinal, string column)
    {
        var value = row.GetInt64(ordinal);
        return value is >= int.MinValue and <= int.MaxValue
            ? (int)value
            : throw new InvalidDataException($"column {column} holds {value}, which does not fit a 32-bit integer");
    }

    /// <summary>Reads a time stored as UTC ticks at <paramref name="ticksOrdinal"/> and offset minutes after it.</summary>
    /// <exception cref="InvalidDataException">the ticks or offset are out of range</exception>
    public static DateTimeOffset Time(SqliteDataReader row, int ticksOrdinal, string column)
    {
        return OptionalTime(row, ticksOrdinal, column)
            ?? throw new InvalidDataException($"column {column}_ticks is NULL, but it is required");
    }

    /// <summary>Reads a time that may be NULL (both columns NULL).</summary>
    /// <exception cref="InvalidDataException">the ticks or offset are out of range, or only one is NULL</exception>
    public static DateTimeOffset? OptionalTime(SqliteDataReader row, int ticksOrdinal, string column)
    {
        var ticksNull = row.IsDBNull(ticksOrdinal);
        if (ticksNull != row.IsDBNull(ticksOrdinal + 1))
        {
            throw new InvalidDataException($"columns {column}_ticks and {column}_offset_minutes are not both NULL or both set");
        }

        if (ticksNull)
        {
            return null;
        }

        var ticks = row.GetInt64(ticksOrdinal);
        var offsetMinutes = row.GetInt64(ticksOrdinal + 1);
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
}

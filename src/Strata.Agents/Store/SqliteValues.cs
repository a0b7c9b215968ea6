// How store values cross into SQLite and back: parameters by name, times as (UTC ticks, offset), enums by name.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>
/// Binding and reading of SQLite column values by the rules of <see cref="StoreValues"/>. Readers throw
/// <see cref="InvalidDataException"/> naming the column when a stored value cannot be what the schema says; the store
/// turns that into a <see cref="StoreException"/> naming the file.
/// </summary>
internal static class SqliteValues
{
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
        Set(command, offsetName, value is { } time ? (long)StoreValues.OffsetMinutes(time) : null);
    }

    /// <summary>The name an enum value is stored by (<see cref="StoreValues.Name"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">the value has no name (a cast from a number)</exception>
    public static string Name<T>(T value, string field)
        where T : struct, Enum => StoreValues.Name(value, field);

    /// <summary>Reads a text column that may be NULL.</summary>
    public static string? Text(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    /// <summary>Reads an enum stored by name.</summary>
    /// <exception cref="InvalidDataException">the name is not one of the enum's</exception>
    public static T Named<T>(SqliteDataReader row, int ordinal, string column)
        where T : struct, Enum => StoreValues.Named<T>(row.GetString(ordinal), column);

    /// <summary>Reads an integer column that must fit an <see cref="int"/>.</summary>
    /// <exception cref="InvalidDataException">the value is out of range</exception>
    public static int Int32(SqliteDataReader row, int ordinal, string column) => StoreValues.Int32(row.GetInt64(ordinal), column);

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
        return StoreValues.BothNull(row.IsDBNull(ticksOrdinal), row.IsDBNull(ticksOrdinal + 1), column)
            ? null
            : StoreValues.Time(row.GetInt64(ticksOrdinal), row.GetInt64(ticksOrdinal + 1), column);
    }
}

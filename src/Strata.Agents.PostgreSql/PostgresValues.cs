// How store values cross into PostgreSQL and back: typed parameters by name, times as (UTC ticks, offset), enums by name.
using Npgsql;
using NpgsqlTypes;

namespace Strata.Agents.PostgreSql;

/// <summary>
/// Binding and reading of PostgreSQL column values by the rules of <see cref="StoreValues"/>. Every parameter carries
/// its type, so a NULL needs no guessing. Readers throw <see cref="InvalidDataException"/> naming the column when a
/// stored value cannot be what the schema says; the store turns that into a <see cref="StoreException"/> naming itself.
/// </summary>
internal static class PostgresValues
{
    /// <summary>Adds a <c>text</c> parameter (null as SQL NULL).</summary>
    public static void Text(NpgsqlParameterCollection parameters, string name, string? value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    /// <summary>Adds an <c>integer</c> parameter.</summary>
    public static void Int32(NpgsqlParameterCollection parameters, string name, int value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Integer) { Value = value });

    /// <summary>Adds a <c>bigint</c> parameter.</summary>
    public static void Int64(NpgsqlParameterCollection parameters, string name, long value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = value });

    /// <summary>Adds a <c>bytea</c> parameter.</summary>
    public static void Bytes(NpgsqlParameterCollection parameters, string name, byte[] value) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bytea) { Value = value });

    /// <summary>Adds an enum as its name (null as SQL NULL).</summary>
    /// <exception cref="ArgumentOutOfRangeException">the value has no name (a cast from a number)</exception>
    public static void Name<T>(NpgsqlParameterCollection parameters, string name, T? value, string field)
        where T : struct, Enum => Text(parameters, name, value is { } named ? StoreValues.Name(named, field) : null);

    /// <summary>Adds a time as <c>{column}_ticks</c> (UTC ticks) and <c>{column}_offset_minutes</c>, both NULL for null.</summary>
    public static void Time(NpgsqlParameterCollection parameters, string column, DateTimeOffset? value)
    {
        parameters.Add(new NpgsqlParameter(column + "_ticks", NpgsqlDbType.Bigint) { Value = (object?)value?.UtcTicks ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter(column + "_offset_minutes", NpgsqlDbType.Integer)
        {
            Value = value is { } time ? StoreValues.OffsetMinutes(time) : DBNull.Value,
        });
    }

    /// <summary>Reads a text column that may be NULL.</summary>
    public static string? Text(NpgsqlDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    /// <summary>Reads an enum stored by name.</summary>
    /// <exception cref="InvalidDataException">the name is not one of the enum's</exception>
    public static T Named<T>(NpgsqlDataReader row, int ordinal, string column)
        where T : struct, Enum => StoreValues.Named<T>(row.GetString(ordinal), column);

    /// <summary>Reads a time stored as UTC ticks at <paramref name="ticksOrdinal"/> and offset minutes after it.</summary>
    /// <exception cref="InvalidDataException">the ticks or offset are out of range, or NULL</exception>
    public static DateTimeOffset Time(NpgsqlDataReader row, int ticksOrdinal, string column)
    {
        return OptionalTime(row, ticksOrdinal, column)
            ?? throw new InvalidDataException($"column {column}_ticks is NULL, but it is required");
    }

    /// <summary>Reads a time that may be NULL (both columns NULL).</summary>
    /// <exception cref="InvalidDataException">the ticks or offset are out of range, or only one is NULL</exception>
    public static DateTimeOffset? OptionalTime(NpgsqlDataReader row, int ticksOrdinal, string column)
    {
        return StoreValues.BothNull(row.IsDBNull(ticksOrdinal), row.IsDBNull(ticksOrdinal + 1), column)
            ? null
            : StoreValues.Time(row.GetInt64(ticksOrdinal), row.GetInt32(ticksOrdinal + 1), column);
    }
}

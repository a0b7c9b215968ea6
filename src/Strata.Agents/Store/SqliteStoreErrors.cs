// How SQLite's failures become StoreExceptions that name the store file and say what most likely happened.
using Microsoft.Data.Sqlite;

namespace Strata.Agents;

/// <summary>Translates <see cref="SqliteException"/> and unreadable rows into <see cref="StoreException"/>.</summary>
internal static class SqliteStoreErrors
{
    // Primary SQLite result codes (https://www.sqlite.org/rescode.html).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Constraint = 19;
    private const int NotADatabase = 26;

    // Extended result code: a FOREIGN KEY constraint failed.
    private const int ForeignKeyConstraint = 787;

    /// <summary>The exception for a SQLite failure while doing <paramref name="operation"/> on the store at <paramref name="path"/>.</summary>
    public static StoreException Translate(SqliteException error, string path, string operation, TimeSpan busyTimeout)
    {
        var failed = $"{operation} failed with {error.Message}";
        var message = (error.SqliteErrorCode & 0xFF) switch
        {
            Corrupt or NotADatabase => $"store '{path}' is damaged or is not a Strata store: {failed}",
            Busy or Locked => $"store '{path}' stayed locked by another connection for longer than the busy timeout "
                + $"of {busyTimeout.TotalSeconds:0.###} s: {failed}",
            CantOpen => $"store '{path}' cannot be opened (does its folder exist, and may this process read and "
                + $"write it?): {failed}",
            ReadOnly => $"store '{path}' is read-only to this process: {failed}",
            Full => $"store '{path}': the disk is full: {failed}",
            IoError => $"store '{path}': the file could not be read or written: {failed}",
            Constraint when error.SqliteExtendedErrorCode == ForeignKeyConstraint =>
                $"store '{path}': {operation} refers to a task that has no row; commit the task's StoredTask first ({error.Message})",
            _ => $"store '{path}': {failed}",
        };
        return new StoreException(message, error);
    }

    /// <summary>The exception for a row holding a value no Strata writes.</summary>
    public static StoreException Unreadable(InvalidDataException error, string path, string operation) =>
        new($"store '{path}' is damaged or is not a Strata store: while {operation}, {error.Message}", error);
}

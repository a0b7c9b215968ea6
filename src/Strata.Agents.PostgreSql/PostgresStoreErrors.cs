// How PostgreSQL's and Npgsql's failures become StoreExceptions that name the store and say what most likely happened.
using System.Net.Sockets;
using Npgsql;

namespace Strata.Agents.PostgreSql;

/// <summary>
/// Translates <see cref="NpgsqlException"/> (a server error, <see cref="PostgresException"/>, or a failure to reach the
/// server) and unreadable rows into <see cref="StoreException"/>. Messages name the store by host, port, database and
/// schema, never by its connection string, which may hold a password.
/// </summary>
internal static class PostgresStoreErrors
{
    /// <summary>The exception for a failure while doing <paramref name="operation"/> on <paramref name="store"/>.</summary>
    public static StoreException Translate(NpgsqlException error, string store, string operation)
    {
        var failed = $"{operation} failed with {Describe(error)}";
        var message = error switch
        {
            PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } =>
                $"store '{store}': {operation} refers to a task that has no row; commit the task's StoredTask first ({error.Message})",
            PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } server =>
                $"store '{store}': {failed}: a row of {server.TableName} with that key exists (constraint {server.ConstraintName}); nothing was applied",
            PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } =>
                $"store '{store}': {failed}: it conflicted with another writer and nothing of it was applied; try again",
            PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } =>
                $"store '{store}': {failed}: it ran past the connection string's Command Timeout, or was cancelled",
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                $"store '{store}' cannot be opened: its database does not exist (create it, or name another in the connection string): {failed}",
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                $"store '{store}' cannot be opened: the server refused the connection string's user or password: {failed}",
            PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } =>
                $"store '{store}': the connection string's user may not do this (the store creates its schema and tables on "
                + $"first open, then reads and writes them): {failed}",
            PostgresException { SqlState: PostgresErrorCodes.DiskFull } => $"store '{store}': the server's disk is full: {failed}",
            PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter } =>
                $"store '{store}': {failed}: PostgreSQL text cannot hold the NUL character (U+0000) or invalid UTF-8",
            PostgresException => $"store '{store}': {failed}",
            { InnerException: TimeoutException } =>
                $"store '{store}' did not answer within the connection string's Timeout or Command Timeout: {failed}",
            _ => $"store '{store}' cannot be reached (is the server running, and are the connection string's Host and "
                + $"Port right?): {failed}",
        };
        return new StoreException(message, error);
    }

    /// <summary>The exception for a row holding a value no Strata writes.</summary>
    public static StoreException Unreadable(Exception error, string store, string operation) =>
        new($"store '{store}' is damaged or is not a Strata store: while {operation}, {error.Message}", error);

    // A server error's message carries its SQLSTATE; a client-side failure's cause is often only in its inner exception.
    private static string Describe(NpgsqlException error) => error switch
    {
        PostgresException => error.Message,
        { InnerException: SocketException or IOException or TimeoutException } => $"{error.Message} ({error.InnerException.Message})",
        _ => error.Message,
    };
}

// A temporary folder for store files, deleted with everything in it when a test ends.
using Microsoft.Data.Sqlite;

namespace Strata.Agents.Tests;

/// <summary>A fresh folder under the system temp folder, and raw SQLite access to the files in it.</summary>
public sealed class TempStoreFolder : IDisposable
{
    public TempStoreFolder() => Folder = Directory.CreateTempSubdirectory("strata-store-").FullName;

    public string Folder { get; }

    /// <summary>A path in the folder for a store named <paramref name="name"/> (not created).</summary>
    public string PathOf(string name = "store.db") => Path.Combine(Folder, name);

    /// <summary>Opens the file with a plain, unpooled connection, for tests that reach past the store.</summary>
    public static SqliteConnection Raw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Runs one statement on the file, past the store.</summary>
    public static object? RawScalar(string path, string sql)
    {
        using var connection = Raw(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

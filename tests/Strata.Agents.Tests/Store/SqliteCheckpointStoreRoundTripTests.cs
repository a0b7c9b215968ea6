// The round-trip contract (CheckpointStoreRoundTripTests) on the SQLite store, and what only a SQLite file has.
namespace Strata.Agents.Tests;

public sealed class SqliteCheckpointStoreRoundTripTests : CheckpointStoreRoundTripTests<SqliteStoreBackend>
{
    [Fact]
    public void Open_AbsentFile_CreatesCurrentSchemaVersionInWalMode()
    {
        using (Backend.Open())
        {
            Assert.True(File.Exists(Backend.Path));
        }

        Assert.Equal((long)SqliteSchema.Version, Backend.RawScalar("PRAGMA user_version"));
        Assert.Equal("wal", Backend.RawScalar("PRAGMA journal_mode"));
    }
}

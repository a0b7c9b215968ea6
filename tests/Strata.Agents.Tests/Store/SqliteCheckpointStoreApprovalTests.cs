// The approval contract (CheckpointStoreApprovalTests) on the SQLite store.
namespace Strata.Agents.Tests;

public sealed class SqliteCheckpointStoreApprovalTests : CheckpointStoreApprovalTests<SqliteStoreBackend>;

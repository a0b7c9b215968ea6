// The approval contract (CheckpointStoreApprovalTests) on the PostgreSQL store.
namespace Strata.Agents.Tests;

public sealed class PostgresCheckpointStoreApprovalTests : CheckpointStoreApprovalTests<PostgresStoreBackend>;

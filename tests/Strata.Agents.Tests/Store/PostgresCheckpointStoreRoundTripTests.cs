// The round-trip contract (CheckpointStoreRoundTripTests) on the PostgreSQL store.
namespace Strata.Agents.Tests;

public sealed class PostgresCheckpointStoreRoundTripTests : CheckpointStoreRoundTripTests<PostgresStoreBackend>;

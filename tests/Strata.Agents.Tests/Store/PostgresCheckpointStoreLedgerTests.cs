// The ledger contract (CheckpointStoreLedgerTests) on the PostgreSQL store.
namespace Strata.Agents.Tests;

public sealed class PostgresCheckpointStoreLedgerTests : CheckpointStoreLedgerTests<PostgresStoreBackend>;

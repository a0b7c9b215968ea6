// The ledger contract (CheckpointStoreLedgerTests) on the SQLite store.
namespace Strata.Agents.Tests;

public sealed class SqliteCheckpointStoreLedgerTests : CheckpointStoreLedgerTests<SqliteStoreBackend>;

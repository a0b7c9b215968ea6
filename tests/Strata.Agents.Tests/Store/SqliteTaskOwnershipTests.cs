// The task ownership contract (TaskOwnershipTests) on the SQLite store.
namespace Strata.Agents.Tests;

public sealed class SqliteTaskOwnershipTests : TaskOwnershipTests<SqliteStoreBackend>;

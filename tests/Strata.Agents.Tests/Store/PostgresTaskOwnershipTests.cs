// The task ownership contract (TaskOwnershipTests) on the PostgreSQL store.
namespace Strata.Agents.Tests;

public sealed class PostgresTaskOwnershipTests : TaskOwnershipTests<PostgresStoreBackend>;

// The store's SQL statements, written once per store for its schema and reused by every call.
namespace Strata.Agents.PostgreSql;

/// <summary>
/// Every statement the store runs, with its tables qualified by the store's schema. The schema is the one identifier
/// in the text (validated by <see cref="PostgresStoreOptions"/> and quoted); every value is a parameter. Keeping each
/// text fixed per store lets Npgsql prepare the statements when the connection string asks it to
/// (<c>Max Auto Prepare</c>).
/// </summary>
internal sealed class PostgresStoreSql
{
    /// <summary>Writes the statements for <paramref name="schema"/>, a valid lower-case identifier.</summary>
    public PostgresStoreSql(string schema)
    {
        Schema = schema;
        var quoted = $"\"{schema}\"";
        UpsertTask = PostgresTaskRows.Upsert(quoted);
        LockTask = PostgresTaskRows.Lock(quoted);
        FindTask = PostgresTaskRows.Find(quoted);
        ListTasks = PostgresTaskRows.List(quoted);
        FindOwner = PostgresTaskRows.Owner(quoted);
        ClaimTask = PostgresTaskRows.Claim(quoted);
        ListOwnedTasks = PostgresTaskRows.ListOwned(quoted);
        UpsertStep = PostgresStepRows.Upsert(quoted);
        ListSteps = PostgresStepRows.List(quoted);
        InsertApproval = PostgresApprovalRows.InsertIfAbsent(quoted);
        ResolveApproval = PostgresApprovalRows.Resolve(quoted);
        FindApproval = PostgresApprovalRows.Find(quoted);
        ListApprovals = PostgresApprovalRows.List(quoted);
        InsertBlob = $"INSERT INTO {quoted}.blobs (sha256, bytes) VALUES (@sha256, @bytes) ON CONFLICT (sha256) DO NOTHING";
        FindBlob = $"SELECT bytes FROM {quoted}.blobs WHERE sha256 = @sha256";
        AppendLedger = PostgresLedgerRows.Insert(quoted);
        LastLedger = PostgresLedgerRows.Last(quoted);
        ListLedger = PostgresLedgerRows.List(quoted);
        InsertMemory = PostgresMemoryRows.Insert(quoted);
        ListMemories = PostgresMemoryRows.List(quoted);
        Create = PostgresSchema.CreateSql(quoted);
        Probes = PostgresSchema.ProbeSql(quoted);
    }

    /// <summary>The schema's name, unquoted.</summary>
    public string Schema { get; }

    /// <summary><see cref="PostgresTaskRows.Upsert"/>.</summary>
    public string UpsertTask { get; }

    /// <summary><see cref="PostgresTaskRows.Lock"/>.</summary>
    public string LockTask { get; }

    /// <summary><see cref="PostgresTaskRows.Find"/>.</summary>
    public string FindTask { get; }

    /// <summary><see cref="PostgresTaskRows.List"/>.</summary>
    public string ListTasks { get; }

    /// <summary><see cref="PostgresTaskRows.Owner"/>.</summary>
    public string FindOwner { get; }

    /// <summary><see cref="PostgresTaskRows.Claim"/>.</summary>
    public string ClaimTask { get; }

    /// <summary><see cref="PostgresTaskRows.ListOwned"/>.</summary>
    public string ListOwnedTasks { get; }

    /// <summary><see cref="PostgresStepRows.Upsert"/>.</summary>
    public string UpsertStep { get; }

    /// <summary><see cref="PostgresStepRows.List"/>.</summary>
    public string ListSteps { get; }

    /// <summary><see cref="PostgresApprovalRows.InsertIfAbsent"/>.</summary>
    public string InsertApproval { get; }

    /// <summary><see cref="PostgresApprovalRows.Resolve"/>.</summary>
    public string ResolveApproval { get; }

    /// <summary><see cref="PostgresApprovalRows.Find"/>.</summary>
    public string FindApproval { get; }

    /// <summary><see cref="PostgresApprovalRows.List"/>.</summary>
    public string ListApprovals { get; }

    /// <summary>Inserts <c>@bytes</c> under <c>@sha256</c> unless that hash is stored.</summary>
    public string InsertBlob { get; }

    /// <summary>The bytes stored under <c>@sha256</c>.</summary>
    public string FindBlob { get; }

    /// <summary><see cref="PostgresLedgerRows.Insert"/>.</summary>
    public string AppendLedger { get; }

    /// <summary><see cref="PostgresLedgerRows.Last"/>.</summary>
    public string LastLedger { get; }

    /// <summary><see cref="PostgresLedgerRows.List"/>.</summary>
    public string ListLedger { get; }

    /// <summary><see cref="PostgresMemoryRows.Insert"/>.</summary>
    public string InsertMemory { get; }

    /// <summary><see cref="PostgresMemoryRows.List"/>.</summary>
    public string ListMemories { get; }

    /// <summary><see cref="PostgresSchema.CreateSql"/>.</summary>
    public string Create { get; }

    /// <summary><see cref="PostgresSchema.ProbeSql"/>.</summary>
    public IReadOnlyList<string> Probes { get; }
}

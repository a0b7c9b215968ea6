// How a PostgreSQL checkpoint store is opened: the schema its tables live in.
using System.Text.RegularExpressions;

namespace Strata.Agents.PostgreSql;

/// <summary>Options of <see cref="PostgresCheckpointStore.Open(string, PostgresStoreOptions?)"/>.</summary>
public sealed partial record PostgresStoreOptions
{
    /// <summary>The schema the store uses unless told otherwise.</summary>
    public const string DefaultSchema = "strata_agents";

    /// <summary>
    /// The PostgreSQL schema holding the store's tables, created on first open if absent; <c>strata_agents</c> by
    /// default. A schema of its own lets the store share a database with other tables (Orleans' membership tables in
    /// <c>public</c>, another store under another schema). A lower-case identifier: <c>a</c>–<c>z</c>, digits and
    /// <c>_</c>, not starting with a digit, at most 63 characters.
    /// </summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>Rejects options that cannot work, naming the field.</summary>
    /// <exception cref="ArgumentException"><see cref="Schema"/> is not a lower-case identifier</exception>
    internal void Validate()
    {
        if (Schema is null || !Identifier().IsMatch(Schema))
        {
            throw new ArgumentException(
                $"options.Schema '{Schema}' is not a lower-case PostgreSQL identifier (a-z, digits and _, not starting "
                + "with a digit, at most 63 characters)", "options");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}

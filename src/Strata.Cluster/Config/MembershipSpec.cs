// `localhost:PORT` or `postgres:CONNECTION_STRING`: where the silos of a cluster find each other.
using System.Globalization;

namespace Strata.Cluster;

/// <summary>Where a cluster's membership table lives.</summary>
public abstract record MembershipSpec
{
    /// <summary>Parses <c>localhost:PRIMARY_SILO_PORT</c> or <c>postgres:CONNECTION_STRING</c>.</summary>
    /// <exception cref="ArgumentException">neither form, or a malformed port or connection string</exception>
    public static MembershipSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Local = "localhost:", Postgres = "postgres:";
        if (text.StartsWith(Local, StringComparison.OrdinalIgnoreCase))
        {
            string port = text[Local.Length..];
            return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p is > 0 and < 65536
                ? new LocalhostMembership(p)
                : throw new ArgumentException($"membership '{text}': the primary silo port must be 1 to 65535; found '{port}'");
        }

        if (text.StartsWith(Postgres, StringComparison.OrdinalIgnoreCase))
        {
            string connection = text[Postgres.Length..];
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(connection);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"membership 'postgres:…': the connection string is malformed ({e.Message})", e);
            }

            return connection.Length > 0
                ? new PostgresMembership(connection)
                : throw new ArgumentException("membership 'postgres:' needs a connection string, as in postgres:Host=127.0.0.1;Username=strata;Database=strata");
        }

        throw new ArgumentException($"membership '{text}' is neither localhost:PRIMARY_SILO_PORT nor postgres:CONNECTION_STRING");
    }
}

/// <summary>Orleans' development clustering: every silo names the primary silo's port on this machine.</summary>
/// <param name="PrimarySiloPort">the silo port of the primary node (which may be this one)</param>
public sealed record LocalhostMembership(int PrimarySiloPort) : MembershipSpec;

/// <summary>Orleans' ADO.NET clustering on PostgreSQL through Npgsql.</summary>
/// <param name="ConnectionString">the Npgsql connection string</param>
public sealed record PostgresMembership(string ConnectionString) : MembershipSpec
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        if (b.Password is not null)
        {
            b.Password = "***";
        }

        return "postgres:" + b.ConnectionString;
    }
}

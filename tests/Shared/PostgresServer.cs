// A PostgreSQL server for tests: the one STRATA_POSTGRES names, or a private one this test process starts once and removes at exit.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Strata.Tests.Shared;

/// <summary>
/// Gives each test class a database of its own on one PostgreSQL server per test process. With the environment
/// variable <c>STRATA_POSTGRES</c> set to a connection string (of a user that may create databases), that server is
/// used; the databases made on it are named after this machine and process, and each start drops those of this
/// machine's test processes that have ended (an exit handler cannot: the test host is often killed before its handlers
/// finish), so a run leaves at most its own behind. Otherwise the first call starts a private server: it finds
/// <c>initdb</c> and <c>pg_ctl</c> on PATH or under <c>/usr/lib/postgresql/*/bin</c>, initializes a cluster in a new
/// temp folder (owned by the <c>postgres</c> user and run through <c>runuser</c> when the process is root, since
/// PostgreSQL refuses to run as root), with trust authentication, listening on 127.0.0.1 at a free port with its
/// socket in that folder and fsync off. A detached watchdog stops the server and deletes the folder once the test
/// process has ended, however it ended (the test host is often killed before its exit handlers finish); folders of
/// earlier test processes whose watchdog did not run are removed at the next start. Without PostgreSQL the first call
/// throws, saying what to install: tests that need it fail, never skip.
/// </summary>
public sealed class PostgresServer
{
    /// <summary>The environment variable naming an existing server.</summary>
    public const string ConnectionVariable = "STRATA_POSTGRES";

    private const string FolderPrefix = "strata-pg-";
    // strata_test_MACHINE_: 8 hex digits of this machine's name, so that a sweep never drops another machine's databases.
    private static readonly string DatabasePrefix =
        $"strata_test_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName)))[..8]}_";
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databaseCount;

    private readonly string _adminConnectionString;
    private readonly PostgresProcess? _process;

    private PostgresServer(string adminConnectionString, PostgresProcess? process)
    {
        _adminConnectionString = adminConnectionString;
        _process = process;
    }

    /// <summary>Creates a database with a name no other test uses; returns a connection string to it.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or the server did not start (its log is in the message)</exception>
    public static async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var server = await Shared.Value.ConfigureAwait(false);
        var name = $"{DatabasePrefix}{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCount)}_{Guid.NewGuid():N}"[..56];
        await using (var connection = new NpgsqlConnection(server._adminConnectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // A name cannot be a parameter; this one is made here of letters, digits and '_'.
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(server._adminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary><see cref="CreateDatabaseAsync"/>, blocking.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or the server did not start (its log is in the message)</exception>
    public static string CreateDatabase() => CreateDatabaseAsync().GetAwaiter().GetResult();

    /// <summary>A connection string to the server's <c>postgres</c> database, for tests that need the server itself.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or the server did not start</exception>
    public static async Task<string> AdminConnectionStringAsync() => (await Shared.Value.ConfigureAwait(false))._adminConnectionString;

    private static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionVariable);
        PostgresServer server;
        if (!string.IsNullOrWhiteSpace(external))
        {
            server = new PostgresServer(external, null);
        }
        else
        {
            PostgresProcess.RemoveAbandoned(Path.GetTempPath(), FolderPrefix);
            var process = await PostgresProcess.StartAsync(FolderPrefix).ConfigureAwait(false);
            server = new PostgresServer(process.ConnectionString, process);
        }

        await server.WaitUntilAcceptingAsync().ConfigureAwait(false);
        if (server._process is null)
        {
            await server.DropAbandonedDatabasesAsync().ConfigureAwait(false);
        }

        return server;
    }

    // pg_ctl -w has waited for the server to say it is ready; a connection proves it, and a few retries cover a server
    // that is still finishing its start.
    private async Task WaitUntilAcceptingAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_adminConnectionString);
                await connection.OpenAsync().ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException error) when (attempt < 50)
            {
                Trace.WriteLine($"PostgreSQL not accepting connections yet (attempt {attempt}): {error.Message}");
                await Task.Delay(TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
            }
            catch (NpgsqlException error)
            {
                throw new InvalidOperationException(
                    $"the PostgreSQL server at {Describe(_adminConnectionString)} does not accept connections: {error.Message}"
                    + (_process is null ? $" (set by {ConnectionVariable})" : $"\nits log ends:\n{_process.LogTail()}"), error);
            }
        }
    }

    // Databases this machine's earlier test processes made on a shared server: those whose process has ended are dropped
    // (WITH (FORCE), PostgreSQL 13 and later); a live one's, or another machine's, are left alone.
    private async Task DropAbandonedDatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, @prefix)", connection))
        {
            list.Parameters.AddWithValue("prefix", DatabasePrefix);
            await using var reader = await list.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            if (!int.TryParse(name[DatabasePrefix.Length..].Split('_')[0], out var pid) || IsAlive(pid))
            {
                continue;
            }

            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (NpgsqlException error)
            {
                Console.Error.WriteLine($"could not drop the abandoned test database {name} at {Describe(_adminConnectionString)}: {error.Message}");
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Describe(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{settings.Host}:{settings.Port}";
    }

    /// <summary>A private server: its binaries, folder, port, and the commands that start and stop it.</summary>
    private sealed class PostgresProcess
    {
        private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);
        private readonly string _binaries;
        private readonly bool _asPostgresUser;
        private readonly string _folder;
        private readonly int _port;

        private PostgresProcess(string binaries, bool asPostgresUser, string folder, int port)
        {
            _binaries = binaries;
            _asPostgresUser = asPostgresUser;
            _folder = folder;
            _port = port;
        }

        /// <summary>The server's <c>postgres</c> database as its superuser, over TCP (not pooled).</summary>
        public string ConnectionString => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _port,
            Username = "postgres",
            Database = "postgres",
            Pooling = false,
            Timeout = 30,
        }.ConnectionString;

        private string Data => Path.Combine(_folder, "data");

        private string Log => Path.Combine(_folder, "server.log");

        public static async Task<PostgresProcess> StartAsync(string prefix)
        {
            var binaries = FindBinaries();
            var asPostgresUser = Environment.IsPrivilegedProcess;
            var folder = Directory.CreateTempSubdirectory($"{prefix}{Environment.ProcessId}-").FullName;
            if (asPostgresUser)
            {
                await RunAsync("chown", ["postgres:", folder], "giving the server's folder to the postgres user").ConfigureAwait(false);
            }

            var initializing = new PostgresProcess(binaries, asPostgresUser, folder, port: 0);
            await initializing.RunToolAsync("initdb", ["-D", initializing.Data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"])
                .ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                var server = new PostgresProcess(binaries, asPostgresUser, folder, FreePort());
                try
                {
                    await server.RunToolAsync("pg_ctl", ["-D", server.Data, "-l", server.Log, "-w", "-t", "60", "-o", server.Settings(), "start"])
                        .ConfigureAwait(false);
                    await server.StartWatchdogAsync().ConfigureAwait(false);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3 && server.LogTail().Contains("could not bind", StringComparison.Ordinal))
                {
                    Trace.WriteLine($"PostgreSQL lost its port to another process (attempt {attempt}); trying another");
                }
            }
        }

        /// <summary>Stops the servers and deletes the folders of test processes that ended without doing so.</summary>
        public static void RemoveAbandoned(string tempRoot, string prefix)
        {
            foreach (var folder in Directory.EnumerateDirectories(tempRoot, prefix + "*"))
            {
                var name = Path.GetFileName(folder);
                var pidText = name[prefix.Length..].Split('-')[0];
                if (!int.TryParse(pidText, out var pid) || IsAlive(pid))
                {
                    continue;
                }

                try
                {
                    if (File.Exists(Path.Combine(folder, "data", "postmaster.pid")))
                    {
                        var abandoned = new PostgresProcess(FindBinaries(), Environment.IsPrivilegedProcess, folder, port: 0);
                        abandoned.RunToolAsync("pg_ctl", ["-D", abandoned.Data, "-m", "immediate", "-w", "stop"]).GetAwaiter().GetResult();
                    }

                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    Console.Error.WriteLine($"could not remove the abandoned test PostgreSQL in {folder}: {error.Message}");
                }
            }
        }

        /// <summary>
        /// Starts a shell, in a session of its own and no longer this process's child (<c>setsid --fork</c>), that waits
        /// for this process to end, then stops the server at once (its data is thrown away) and deletes its folder.
        /// </summary>
        private Task StartWatchdogAsync()
        {
            const string script = """
                exec </dev/null >/dev/null 2>&1
                pid=$1; folder=$2; shift 2
                while kill -0 "$pid"; do sleep 1; done
                "$@"
                rm -rf "$folder"
                """;
            return RunAsync("setsid", ["--fork", "sh", "-c", script, "strata-pg-watchdog", Environment.ProcessId.ToString(), _folder, .. ToolCommand("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"])],
                "starting the watchdog that stops the test PostgreSQL when this process ends");
        }

        /// <summary>The last lines of the server's log.</summary>
        public string LogTail()
        {
            if (!File.Exists(Log))
            {
                return "(no log was written)";
            }

            var lines = File.ReadAllLines(Log);
            return string.Join('\n', lines[Math.Max(0, lines.Length - 30)..]);
        }

        private string Settings()
        {
            return $"-c listen_addresses=127.0.0.1 -p {_port} -c unix_socket_directories='{_folder}' -c fsync=off "
                + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        }

        private async Task RunToolAsync(string tool, IReadOnlyList<string> arguments)
        {
            var command = ToolCommand(tool, arguments);
            try
            {
                await RunAsync(command[0], command[1..], $"running {tool} (in {_folder})").ConfigureAwait(false);
            }
            catch (InvalidOperationException error) when (tool == "pg_ctl")
            {
                throw new InvalidOperationException($"{error.Message}\nthe server's log ends:\n{LogTail()}", error);
            }
        }

        // A PostgreSQL program and its arguments, run as the postgres user when this process is root.
        private string[] ToolCommand(string tool, IReadOnlyList<string> arguments) => _asPostgresUser
            ? ["runuser", "-u", "postgres", "--", Path.Combine(_binaries, tool), .. arguments]
            : [Path.Combine(_binaries, tool), .. arguments];

        private static async Task RunAsync(string file, IReadOnlyList<string> arguments, string what)
        {
            var start = new ProcessStartInfo(file)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)
                ?? throw new InvalidOperationException($"{what}: '{file}' did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(CommandTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{what}: '{file}' did not finish within {CommandTimeout.TotalSeconds} s");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{what}: '{file} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{await output.ConfigureAwait(false)}{await errors.ConfigureAwait(false)}");
            }
        }

        // initdb and pg_ctl on PATH (through symbolic links, which Debian's /usr/local/bin ones are), else the newest
        // /usr/lib/postgresql/VERSION/bin (Debian and Ubuntu install there without putting it on PATH).
        private static string FindBinaries()
        {
            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(folder => Path.Combine(folder, "initdb"))
                .Where(File.Exists)
                .Select(initdb => Path.GetDirectoryName(File.ResolveLinkTarget(initdb, returnFinalTarget: true)?.FullName ?? initdb)!);
            var debian = Directory.Exists("/usr/lib/postgresql")
                ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                    .OrderByDescending(folder => int.TryParse(Path.GetFileName(folder), out var version) ? version : 0)
                    .Select(folder => Path.Combine(folder, "bin"))
                : [];
            return onPath.Concat(debian).FirstOrDefault(folder => File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")))
                ?? throw new InvalidOperationException(
                    "PostgreSQL's server programs (initdb, pg_ctl) were found neither on PATH nor under /usr/lib/postgresql/*/bin: "
                    + "install the Debian package postgresql (apt-get install postgresql), or set "
                    + $"{ConnectionVariable} to the connection string of a server the tests may create databases on");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

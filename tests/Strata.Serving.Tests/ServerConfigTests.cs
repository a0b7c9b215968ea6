// The config file: bad values and unknown fields are refused with a message naming the field.
namespace Strata.Serving.Tests;

public sealed class ServerConfigTests
{
    [Theory]
    [InlineData("""{ "kv_type": "q8_0" }""", "kv_type")]
    [InlineData("""{ "numerics": "fastest" }""", "numerics")]
    [InlineData("""{ "max_running": 0 }""", "max_running")]
    [InlineData("""{ "queue_capacity": 0 }""", "queue_capacity")]
    [InlineData("""{ "evidence_records": 0 }""", "evidence_records")]
    [InlineData("""{ "shutdown_drain_ms": -1 }""", "shutdown_drain_ms")]
    [InlineData("""{ "batch_tokens": 0 }""", "batch_tokens")]
    [InlineData("""{ "kv_typ": "f16" }""", "kv_typ")]
    [InlineData("""{ "kv_type": 16 }""", "kv_type")]
    public void Load_BadField_ThrowsNamingIt(string json, string field)
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var e = Assert.Throws<ArgumentException>(() => ServerConfig.Load(path));
            Assert.Contains(field, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_F16KvType_IsRead()
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "kv_type": "f16", "numerics": "fast" }""");
        try
        {
            var config = ServerConfig.Load(path);
            Assert.Equal("f16", config.KvType);
            Assert.Equal("fast", config.Numerics);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public sealed class ServerConfigLayeringTests
{
    private const string TenantFile = """{ "queue_capacity": 9, "tenants": [ { "name": "alpha", "api_keys": ["sk-file"], "max_concurrent": 2 } ] }""";

    [Fact]
    public void Load_EnvironmentVariables_OverrideFileValuesAndKeys()
    {
        string path = WriteTemp(TenantFile);
        try
        {
            var config = ServerConfig.Load([path], new Dictionary<string, string?>
            {
                ["STRATA__QUEUE_CAPACITY"] = "5",
                ["STRATA__TENANTS__0__API_KEYS__0"] = "sk-from-env",
                ["OTHER__QUEUE_CAPACITY"] = "1", // not ours: ignored
            });
            Assert.Equal(5, config.QueueCapacity);
            Assert.Equal("alpha", config.Tenants[0].Name);
            Assert.Equal(["sk-from-env"], config.Tenants[0].ApiKeys);
            Assert.Equal(2, config.Tenants[0].MaxConcurrent);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_LaterFile_OverridesEarlierFile()
    {
        string main = WriteTemp(TenantFile);
        string secrets = WriteTemp("""{ "tenants": [ { "api_keys": ["sk-secret"] } ] }""");
        try
        {
            var config = ServerConfig.Load([main, secrets], new Dictionary<string, string?>());
            Assert.Equal(9, config.QueueCapacity);
            Assert.Equal(["sk-secret"], config.Tenants[0].ApiKeys);
        }
        finally
        {
            File.Delete(main);
            File.Delete(secrets);
        }
    }

    [Theory]
    [InlineData("STRATA__QUEUE_CAPACTY", "3", "queue_capacty")]
    [InlineData("STRATA__MAX_RUNNING", "many", "max_running")]
    [InlineData("STRATA__MAX_RUNNING", "0", "max_running")]
    public void Load_BadEnvironmentVariable_ThrowsNamingTheField(string name, string value, string field)
    {
        var e = Assert.Throws<ArgumentException>(() => ServerConfig.Load([], new Dictionary<string, string?> { [name] = value }));
        Assert.Contains(field, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => ServerConfig.Load(["/nonexistent/strata.json"], new Dictionary<string, string?>()));
        Assert.Contains("/nonexistent/strata.json", e.Message, StringComparison.Ordinal);
    }

    private static string WriteTemp(string json)
    {
        string path = Path.Combine(Path.GetTempPath(), $"strata-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}

public sealed class ServerConfigKeysTests
{
    [Theory]
    [InlineData(typeof(ServerConfig))]
    [InlineData(typeof(TenantConfig))]
    [InlineData(typeof(ModelConfig))]
    public void EveryField_HasItsSnakeCaseConfigurationKey(Type type)
    {
        // A field without the key could be neither set from the file nor from STRATA__… (the binder would not see it).
        foreach (var p in type.GetProperties())
        {
            var key = (Microsoft.Extensions.Configuration.ConfigurationKeyNameAttribute?)Attribute.GetCustomAttribute(p,
                typeof(Microsoft.Extensions.Configuration.ConfigurationKeyNameAttribute));
            Assert.True(key is not null, $"{type.Name}.{p.Name} has no [ConfigurationKeyName]");
            Assert.Matches("^[a-z0-9_]+$", key!.Name);
        }
    }

    [Fact]
    public void Load_EveryDocumentedField_IsAccepted()
    {
        var config = ServerConfig.Load([], new Dictionary<string, string?>
        {
            ["STRATA__MMAP"] = "true",
            ["STRATA__SHUTDOWN_DRAIN_MS"] = "1000",
            ["STRATA__ALLOW_UNAUTHENTICATED"] = "true",
        });
        Assert.True(config.Mmap);
        Assert.Equal(1000, config.ShutdownDrainMs);
        Assert.True(config.AllowUnauthenticated);
    }
}

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

// The JSON shape of the agent runtime's files and records: snake_case names, enums by snake_case name, strict.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Agents;

/// <summary>Serializer options shared by task files, stored contracts and ledger payloads.</summary>
public static class AgentJson
{
    /// <summary>Strict options: unknown fields are errors, so a misspelt budget is not silently ignored.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>Reads a task contract from JSON text and validates it.</summary>
    /// <exception cref="ContractException">the JSON is malformed or a field is wrong, named by its path</exception>
    public static TaskContract ReadContract(string json, DateTimeOffset now)
    {
        TaskContract? contract;
        try
        {
            contract = JsonSerializer.Deserialize<TaskContract>(json, Options);
        }
        catch (JsonException error)
        {
            var message = FirstLine(error.Message);
            throw new ContractException(error.Path ?? "$", message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "is not a field of a task contract (check its spelling)"
                : message);
        }

        if (contract is null)
        {
            throw new ContractException("$", "the task file holds null, not a task contract");
        }

        ContractValidator.Validate(contract, now);
        return contract;
    }

    /// <summary>Reads a value written by <see cref="Write"/>.</summary>
    /// <exception cref="JsonException">the JSON is not a <typeparamref name="T"/></exception>
    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"expected a {typeof(T).Name}, found null");

    /// <summary>Writes a value as compact JSON.</summary>
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    private static string FirstLine(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectRequiredConstructorParameters = true,
            AllowTrailingCommas = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

// Writes a TraceId as its bare hex string and validates it when reading.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Strata.Evidence;

/// <summary>JSON form of <see cref="TraceId"/>: the 32-character string.</summary>
internal sealed class TraceIdJsonConverter : JsonConverter<TraceId>
{
    public override TraceId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected trace_id to be a JSON string; found {reader.TokenType}.");
        }

        var text = reader.GetString();
        if (!TraceId.IsValid(text))
        {
            throw new JsonException(
                $"Expected trace_id of {TraceId.LengthChars} lowercase hex characters, not all zero; found \"{text}\".");
        }

        return TraceId.Parse(text!);
    }

    public override void Write(Utf8JsonWriter writer, TraceId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}

// Source-generated System.Text.Json metadata for evidence records: snake_case, indented, nulls omitted.
using System.Text.Json.Serialization;

namespace Strata.Evidence;

/// <summary>Reflection-free (trimming/AOT safe) serializer metadata for <see cref="EvidenceRecord"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EvidenceRecord))]
internal sealed partial class EvidenceJsonContext : JsonSerializerContext;

// ProbeReportJsonContext: source-generated System.Text.Json metadata for ProbeReport (snake_case, indented).
using System.Text.Json.Serialization;

namespace Strata.Substrate;

/// <summary>
/// Source-generated JSON serialization for <see cref="ProbeReport"/>: snake_case names, indented output.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ProbeReport))]
public sealed partial class ProbeReportJsonContext : JsonSerializerContext;

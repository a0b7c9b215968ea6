// POST /v1/embeddings: authenticate, parse, route to an embedding model, admit as completions are admitted, embed, answer
// in OpenAI's shape (floats or base64 little-endian float32), and keep the request's evidence (inputs only as a hash).
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Engine.Embeddings;
using Strata.Evidence;

namespace Strata.Serving;

/// <summary>The OpenAI embeddings endpoint over the served embedding models.</summary>
internal sealed class EmbeddingsHandler(ServerState state)
{
    public const string Endpoint = "/v1/embeddings";

    public async Task Handle(HttpContext context)
    {
        long arrival = state.Time.GetTimestamp();
        string traceId = ServerState.TraceIdOf(context);
        var tenant = state.Authenticate(context);
        ServerState.RequireJsonContent(context);
        using var body = await ServerState.ReadJson(context);
        var request = EmbeddingsRequest.Parse(body.RootElement);
        var model = state.RouteEmbedding(request.Model, tenant);
        Embedder embedder = model.Embedder;
        if (request.Dimensions is int asked && asked != embedder.Dimensions)
        {
            throw ApiError.BadRequest($"'dimensions' is {asked}; the model '{model.Name}' gives {embedder.Dimensions} (it cannot shorten its embeddings)", "dimensions");
        }

        int tokens = embedder.CountTokens(request.Inputs);
        await state.AdmitAsync(tenant, model.Name, tokens, tokens, "input");
        EmbeddingResult result;
        try
        {
            result = await embedder.EmbedAsync(request.Inputs, context.RequestAborted);
        }
        finally
        {
            state.Admission.Finished(tenant, model.Name);
        }

        var record = new EvidenceRecord(TraceId.Parse(traceId), state.Time)
        {
            Cluster = context.Items[ServerState.ClusterItem] as ClusterSection,
            Serving = new ServingSection
            {
                Endpoint = Endpoint,
                Tenant = tenant.Name,
                Model = model.Name,
                ModelVersion = model.FileSha256,
                Priority = tenant.Config.Priority,
                PromptTokens = result.PromptTokens,
            },
            Embedding = new EmbeddingSection
            {
                Runtime = embedder.Runtime,
                Inputs = request.Inputs.Count,
                Dimensions = embedder.Dimensions,
                PromptTokens = result.PromptTokens,
                TruncatedInputs = result.TruncatedInputs.Length > 0 ? result.TruncatedInputs : null,
                InputsSha256 = HashInputs(request.Inputs),
                EncodingFormat = request.Base64 ? "base64" : "float",
                EmbedMs = state.Time.GetElapsedTime(arrival).TotalMilliseconds,
            },
        };
        state.Keep(tenant.Name, record);
        context.Items[ServerState.ServingItem] = record.Serving;
        await InfoEndpoints.WriteJson(context, 200, w => Write(w, model.Name, result, request.Base64));
    }

    private static void Write(Utf8JsonWriter w, string model, EmbeddingResult result, bool base64)
    {
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        for (int i = 0; i < result.Embeddings.Length; i++)
        {
            w.WriteStartObject();
            w.WriteString("object", "embedding");
            w.WriteNumber("index", i);
            if (base64)
            {
                w.WriteBase64String("embedding", LittleEndianBytes(result.Embeddings[i]));
            }
            else
            {
                w.WriteStartArray("embedding");
                foreach (float value in result.Embeddings[i])
                {
                    w.WriteNumberValue(value);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("model", model);
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", result.PromptTokens);
        w.WriteNumber("total_tokens", result.PromptTokens);
        w.WriteEndObject();
    }

    // OpenAI's base64 embeddings: the float32 values' little-endian bytes, in order.
    private static byte[] LittleEndianBytes(float[] embedding)
    {
        var bytes = new byte[embedding.Length * sizeof(float)];
        for (int i = 0; i < embedding.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), embedding[i]);
        }

        return bytes;
    }

    private static string HashInputs(List<string> inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[sizeof(int)];
        foreach (string input in inputs)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(input);
            BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
            hash.AppendData(length);
            hash.AppendData(utf8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

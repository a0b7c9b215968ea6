// The test side of the task routes: JSON bodies, replies read as documents, and a bounded wait for a task's status.
using System.Net;
using System.Text;
using System.Text.Json;

namespace Strata.Agents.Tests.Http;

internal static class TaskHttp
{
    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Person(string by = "ana", string reason = "checked") => JsonBody(JsonSerializer.Serialize(new { by, reason }));

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage reply, HttpStatusCode expected)
    {
        var text = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.StatusCode == expected, $"expected {(int)expected}, got {(int)reply.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The error object of an OpenAI-shaped error reply with status <paramref name="expected"/>.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage reply, HttpStatusCode expected) =>
        (await ReadAsync(reply, expected)).GetProperty("error");

    /// <summary>GETs the task until its status is <paramref name="status"/>; fails after <paramref name="timeoutSeconds"/> with the last reply.</summary>
    public static async Task<JsonElement> UntilStatusAsync(HttpClient http, string taskId, string status, int timeoutSeconds = 60)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        var last = "";
        try
        {
            while (true)
            {
                using var reply = await http.GetAsync($"/v1/strata/tasks/{taskId}", deadline.Token);
                last = await reply.Content.ReadAsStringAsync(deadline.Token);
                var task = JsonDocument.Parse(last).RootElement;
                if (task.GetProperty("status").GetString() == status)
                {
                    return task.Clone();
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"task {taskId} did not reach '{status}' in {timeoutSeconds} s; last reply: {last}");
    }
}

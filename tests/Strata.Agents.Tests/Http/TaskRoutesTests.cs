// The task routes end to end over real HTTP: submit, approval, tenants kept apart, evidence, and every refusal named.
using System.Net;
using System.Text.Json;
using static Strata.Agents.Tests.Http.TaskHttp;

namespace Strata.Agents.Tests.Http;

public sealed class TaskRoutesTests(TaskServerFixture fixture) : IClassFixture<TaskServerFixture>
{
    private TaskServer Server => fixture.Server;

    [Fact]
    public async Task Task_ApprovedOverHttp_CompletesWritesTheFileAndEvidenceVerifies()
    {
        using var alpha = Server.Client();
        using var beta = Server.Client(TaskServer.KeyB);
        var output = fixture.NewOutput();

        using var submitted = await alpha.PostAsync("/v1/strata/tasks", JsonBody(TaskServer.Contract(output)));
        var created = await ReadAsync(submitted, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/strata/tasks/{id}", submitted.Headers.Location?.OriginalString);
        Assert.Equal("strata.task", created.GetProperty("object").GetString());

        var waiting = await UntilStatusAsync(alpha, id, "waiting_approval");
        var pending = Assert.Single(waiting.GetProperty("pending_approvals").EnumerateArray());
        Assert.Equal("write_file", pending.GetProperty("tool").GetString());
        Assert.Equal("approve-writes", pending.GetProperty("rule").GetString());
        var approvalId = pending.GetProperty("approval_id").GetString()!;
        Assert.False(File.Exists(output));

        // Another tenant cannot tell the task or its approval exists.
        await ErrorAsync(await beta.GetAsync($"/v1/strata/tasks/{id}"), HttpStatusCode.NotFound);
        await ErrorAsync(await beta.GetAsync($"/v1/strata/tasks/{id}/evidence"), HttpStatusCode.NotFound);
        await ErrorAsync(await beta.PostAsync($"/v1/strata/approvals/{approvalId}/approve", Person("mallory")), HttpStatusCode.NotFound);
        Assert.Empty((await ReadAsync(await beta.GetAsync("/v1/strata/approvals?status=all"), HttpStatusCode.OK)).GetProperty("data").EnumerateArray());
        var mine = await ReadAsync(await alpha.GetAsync("/v1/strata/approvals?status=pending"), HttpStatusCode.OK);
        Assert.Contains(mine.GetProperty("data").EnumerateArray(), a => a.GetProperty("approval_id").GetString() == approvalId);

        var approved = await ReadAsync(await alpha.PostAsync($"/v1/strata/approvals/{approvalId}/approve", Person("ana", "looks right")), HttpStatusCode.OK);
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        Assert.Equal("ana", approved.GetProperty("resolved_by").GetString());

        var done = await UntilStatusAsync(alpha, id, "completed");
        Assert.Equal("finished", done.GetProperty("answer").GetString());
        Assert.Empty(done.GetProperty("pending_approvals").EnumerateArray());
        Assert.Equal("v1", File.ReadAllText(output));

        var evidence = await ReadAsync(await alpha.GetAsync($"/v1/strata/tasks/{id}/evidence"), HttpStatusCode.OK);
        var verify = evidence.GetProperty("verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        var records = evidence.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(records.Count, verify.GetProperty("record_count").GetInt32());
        Assert.Equal(records[^1].GetProperty("hash").GetString(), verify.GetProperty("head").GetString());
        Assert.Contains(records, r => r.GetProperty("kind").GetString() == "approval.approved");

        var again = await ErrorAsync(await alpha.PostAsync($"/v1/strata/approvals/{approvalId}/deny", Person("bob", "late")), HttpStatusCode.Conflict);
        Assert.Equal("approval_resolved", again.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Submit_WaitTrue_AnswersAtTheFirstStop_DenyThenCompletesWithoutTheWrite()
    {
        using var alpha = Server.Client();
        var output = fixture.NewOutput();

        var waiting = await ReadAsync(await alpha.PostAsync("/v1/strata/tasks?wait=true", JsonBody(TaskServer.Contract(output))), HttpStatusCode.Created);
        Assert.Equal("waiting_approval", waiting.GetProperty("status").GetString());
        var approval = Assert.Single(waiting.GetProperty("pending_approvals").EnumerateArray());
        Assert.Contains(waiting.GetProperty("steps").EnumerateArray(), s => s.GetProperty("status").GetString() == "awaiting_approval");

        var denied = await ReadAsync(await alpha.PostAsync($"/v1/strata/approvals/{approval.GetProperty("approval_id").GetString()}/deny",
            Person("ana", "not today")), HttpStatusCode.OK);
        Assert.Equal("denied", denied.GetProperty("status").GetString());
        await UntilStatusAsync(alpha, waiting.GetProperty("id").GetString()!, "completed");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Cancel_WaitingTask_IsCancelled_ThenCancelAgainIs409()
    {
        using var alpha = Server.Client();
        var waiting = await ReadAsync(await alpha.PostAsync("/v1/strata/tasks?wait=true", JsonBody(TaskServer.Contract(fixture.NewOutput()))), HttpStatusCode.Created);
        var id = waiting.GetProperty("id").GetString()!;

        var stopping = await ReadAsync(await alpha.PostAsync($"/v1/strata/tasks/{id}/cancel", Person("ana", "wrong report")), HttpStatusCode.OK);
        Assert.Equal("compensating", stopping.GetProperty("status").GetString());
        var cancelled = await UntilStatusAsync(alpha, id, "cancelled");
        Assert.Equal("cancelled by ana: wrong report", cancelled.GetProperty("stop_reason").GetString());

        var again = await ErrorAsync(await alpha.PostAsync($"/v1/strata/tasks/{id}/cancel", Person()), HttpStatusCode.Conflict);
        Assert.Equal("task_finished", again.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("\"budgets\": {\"max_steps\": 0}", "$.budgets.max_steps")]
    [InlineData("\"goal\": \"\"", "$.goal")]
    [InlineData("\"deadline\": \"2001-01-01T00:00:00Z\"", "$.deadline")]
    [InlineData("\"risk\": \"extreme\"", "$.risk")]
    public async Task Submit_InvalidContract_Is400NamingTheField(string field, string path)
    {
        using var alpha = Server.Client();
        var contract = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(TaskServer.Contract(fixture.NewOutput()))!;
        var changed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("{" + field + "}")!;
        foreach (var (name, value) in changed)
        {
            contract[name] = value;
        }

        var error = await ErrorAsync(await alpha.PostAsync("/v1/strata/tasks", JsonBody(JsonSerializer.Serialize(contract))), HttpStatusCode.BadRequest);
        Assert.Equal(path, error.GetProperty("param").GetString());
        Assert.Equal("invalid_contract", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Submit_MalformedJsonOrNotJson_Is400Or415()
    {
        using var alpha = Server.Client();
        var malformed = await ErrorAsync(await alpha.PostAsync("/v1/strata/tasks", JsonBody("{\"tenant\": \"alpha\",")), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_json", malformed.GetProperty("code").GetString());
        using var text = new StringContent(TaskServer.Contract(fixture.NewOutput()), System.Text.Encoding.UTF8, "text/plain");
        await ErrorAsync(await alpha.PostAsync("/v1/strata/tasks", text), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Submit_AnotherTenantsContract_Is403AndStoresNothing()
    {
        using var alpha = Server.Client();
        var error = await ErrorAsync(await alpha.PostAsync("/v1/strata/tasks", JsonBody(TaskServer.Contract(fixture.NewOutput(), tenant: "beta"))), HttpStatusCode.Forbidden);
        Assert.Equal("$.tenant", error.GetProperty("param").GetString());
        Assert.Equal("tenant_mismatch", error.GetProperty("code").GetString());
        Assert.DoesNotContain(Server.Store.Tasks(), t => t.Tenant == "beta");
    }

    [Theory]
    [InlineData("POST", "/v1/strata/tasks")]
    [InlineData("GET", "/v1/strata/tasks/task_x")]
    [InlineData("GET", "/v1/strata/tasks/task_x/evidence")]
    [InlineData("POST", "/v1/strata/tasks/task_x/cancel")]
    [InlineData("GET", "/v1/strata/approvals")]
    [InlineData("POST", "/v1/strata/approvals/apr_x/approve")]
    [InlineData("POST", "/v1/strata/approvals/apr_x/deny")]
    public async Task Route_WithoutOrWithAWrongKey_Is401(string method, string path)
    {
        foreach (var key in new[] { null, "key-nobody" })
        {
            using var http = Server.Client(key);
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? Person() : null };
            var error = await ErrorAsync(await http.SendAsync(request), HttpStatusCode.Unauthorized);
            Assert.Equal(key is null ? "missing_api_key" : "invalid_api_key", error.GetProperty("code").GetString());
        }
    }

    [Theory]
    [InlineData("{\"reason\": \"ok\"}", "by")]
    [InlineData("{\"by\": \"ana\"}", "reason")]
    [InlineData("{\"by\": \"\", \"reason\": \"ok\"}", "by")]
    [InlineData("{\"by\": \"ana\", \"reason\": \"ok\", \"note\": 1}", "note")]
    public async Task Resolve_BodyWithoutByOrReason_Is400NamingIt(string body, string field)
    {
        using var alpha = Server.Client();
        var error = await ErrorAsync(await alpha.PostAsync("/v1/strata/approvals/apr_unknown/approve", JsonBody(body)), HttpStatusCode.BadRequest);
        Assert.Equal(field, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task UnknownIdsAndBadQueries_Are404And400()
    {
        using var alpha = Server.Client();
        await ErrorAsync(await alpha.GetAsync("/v1/strata/tasks/task_unknown"), HttpStatusCode.NotFound);
        await ErrorAsync(await alpha.PostAsync("/v1/strata/approvals/apr_unknown/approve", Person()), HttpStatusCode.NotFound);
        await ErrorAsync(await alpha.PostAsync("/v1/strata/tasks/task_unknown/cancel", Person()), HttpStatusCode.NotFound);
        Assert.Equal("status", (await ErrorAsync(await alpha.GetAsync("/v1/strata/approvals?status=maybe"), HttpStatusCode.BadRequest)).GetProperty("param").GetString());
        Assert.Equal("wait", (await ErrorAsync(await alpha.PostAsync("/v1/strata/tasks?wait=yes", JsonBody(TaskServer.Contract(fixture.NewOutput()))),
            HttpStatusCode.BadRequest)).GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("DELETE", "/v1/strata/tasks", "POST")]
    [InlineData("POST", "/v1/strata/tasks/task_x", "GET")]
    [InlineData("GET", "/v1/strata/approvals/apr_x/approve", "POST")]
    public async Task WrongMethodOnATaskRoute_Is405WithAllow(string method, string path, string allow)
    {
        using var alpha = Server.Client();
        using var reply = await alpha.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await ErrorAsync(reply, HttpStatusCode.MethodNotAllowed);
        Assert.Equal([allow], reply.Content.Headers.Allow);
    }

    [Fact]
    public async Task Routes_StoreFails_Are500NamingTheStore()
    {
        using var alpha = Server.Client();
        var id = (await ReadAsync(await alpha.PostAsync("/v1/strata/tasks?wait=true", JsonBody(TaskServer.Contract(fixture.NewOutput()))), HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        Server.Store.Failing = true;
        try
        {
            foreach (var reply in new[]
            {
                await alpha.GetAsync($"/v1/strata/tasks/{id}"),
                await alpha.GetAsync("/v1/strata/approvals"),
                await alpha.PostAsync("/v1/strata/tasks", JsonBody(TaskServer.Contract(fixture.NewOutput()))),
            })
            {
                var error = await ErrorAsync(reply, HttpStatusCode.InternalServerError);
                Assert.Equal("store_error", error.GetProperty("code").GetString());
                Assert.Contains(FailingStore.Message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            Server.Store.Failing = false;
        }
    }
}

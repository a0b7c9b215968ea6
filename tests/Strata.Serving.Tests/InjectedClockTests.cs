// The server's time comes from an injected TimeProvider: token budgets refill, deadlines pass and queue/TTFT figures
// follow a FakeTimeProvider that the tests advance, with no sleeps. Each test fails if the code read the system clock.
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Strata.Engine.Generation;
using Strata.Engine.Runtime;
using Strata.Engine.Sampling;
using Strata.Evidence;

namespace Strata.Serving.Tests;

public sealed class InjectedClockTests
{
    [Fact]
    public void TryAdmit_TenantBudgetSpentThenTheFakeClockAdvancesAMinute_AdmitsAgain()
    {
        var time = new FakeTimeProvider();
        var admission = new Admission(queueCapacity: 4, maxRunning: 4, time);
        var tenant = new Tenant(new TenantConfig { Name = "metered", TokensPerMinute = 600 }, time);
        Assert.Null(admission.TryAdmit(tenant, "m", tokens: 600, promptTokens: 10));
        admission.Finished(tenant, "m");

        var spent = admission.TryAdmit(tenant, "m", tokens: 600, promptTokens: 10);
        Assert.Equal("tenant_token_limit", spent?.Code);
        Assert.Equal(60, spent!.RetryAfterSeconds);

        time.Advance(TimeSpan.FromSeconds(30)); // half a minute refills half the bucket: 300 of 600
        var half = admission.TryAdmit(tenant, "m", tokens: 600, promptTokens: 10);
        Assert.Equal("tenant_token_limit", half?.Code);
        Assert.Equal(30, half!.RetryAfterSeconds);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(admission.TryAdmit(tenant, "m", tokens: 600, promptTokens: 10));
    }

    [Fact]
    public async Task Scheduler_FakeClockPassesTheDeadlineAtTheFirstToken_EndsWithDeadlineAndRecordsTheClocksAdvances()
    {
        var time = new FakeTimeProvider();
        var config = new ServerConfig { Threads = 2, MaxRunning = 2 };
        using var runtime = ModelRuntime.Load(ServerFixture.ModelPath, null, StrataServer.EngineOptionsFor(ServerFixture.ModelPath, config));
        var admission = new Admission(config.QueueCapacity, config.MaxRunning, time);
        var schedulers = new ModelSet();
        using var metrics = new ServingMetrics(() => schedulers.All);
        using var scheduler = new Scheduler("stories", runtime, config.MaxRunning, admission, metrics, time);
        schedulers.Add(scheduler);
        var state = new ServerState(config, schedulers, admission, metrics, time);
        var tenant = state.Authenticate(new DefaultHttpContext());

        // The clock moves only where the loop's thread records a figure: 40 ms when the sequence is first scheduled, and
        // past the 1000 ms deadline when its first token is timed. The loop must then end it before its second token.
        var recorded = new List<(string Name, double Seconds)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == metrics.Name && instrument.Name is "strata.queue_time" or "strata.ttft")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, seconds, _, _) =>
        {
            recorded.Add((instrument.Name, seconds));
            time.Advance(TimeSpan.FromMilliseconds(instrument.Name == "strata.queue_time" ? 40 : 1000));
        });
        listener.Start();

        int[] prompt = runtime.Model.Tokenizer.Encode("Once upon a time", addSpecial: true);
        Assert.Null(admission.TryAdmit(tenant, scheduler.Name, prompt.Length + 100, prompt.Length));
        var request = new ServingRequest
        {
            Endpoint = "/v1/completions",
            Tenant = tenant,
            PromptTokens = prompt,
            MaxTokens = 100,
            Sampling = new SamplerOptions { Temperature = 0 },
            ArrivalTicks = time.GetTimestamp(),
            DeadlineMs = 1000,
        };
        time.Advance(TimeSpan.FromMilliseconds(250)); // the request waits 250 ms before the loop takes it
        var sequence = scheduler.Submit(request);
        await sequence.Ended.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(StopReason.Deadline, sequence.Completion!.Reason);
        Assert.Equal(1, sequence.Generated);
        Assert.Equal([("strata.queue_time", 0.25), ("strata.ttft", 0.29)], recorded);
        var record = new EvidenceRecord(TraceId.NewRandom(), time);
        state.Record(sequence, scheduler, record, request.Endpoint);
        Assert.Equal(250, record.Serving!.QueueMs);
        Assert.Equal(290, record.Serving.TtftMs);
        Assert.Equal("deadline", record.Serving.StopReason);
    }

    [Fact]
    public async Task StartAsync_TimeProviderRegisteredByTheCaller_IsTheServersClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var server = await StrataServer.StartAsync([new ModelConfig { Name = ServerFixture.Model, Path = ServerFixture.ModelPath }],
            ["http://127.0.0.1:0"], new ServerConfig { Threads = 2 }, new ServerExtension { Services = s => s.AddSingleton<TimeProvider>(time) });
        using var http = new HttpClient { BaseAddress = new Uri(server.Urls[0]), Timeout = TimeSpan.FromMinutes(2) };

        using var response = await http.PostAsJsonAsync("/v1/completions", new { prompt = "Once upon a time", max_tokens = 2, temperature = 0 });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds(), body.RootElement.GetProperty("created").GetInt64());

        string trace = response.Headers.GetValues("X-Strata-Trace-Id").Single();
        using var evidence = JsonDocument.Parse(await http.GetStringAsync($"/v1/strata/evidence/{trace}"));
        Assert.Equal(0, evidence.RootElement.GetProperty("serving").GetProperty("queue_ms").GetDouble()); // the fake clock never moved
    }
}

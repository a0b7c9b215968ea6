// The server's one background runner of agent tasks: queued runs one at a time, unfinished tasks resumed at start, cancelled at stop.
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Strata.Agents;

/// <summary>
/// Runs tasks one after another, each to its next stop (completed, failed, cancelled, waiting for approval). At start it
/// queues every unfinished task of the store (crash recovery); once the host begins to stop it takes no new run and
/// cancels the one in progress, whose checkpoints let the next start go on where it was. One loop means a task never
/// runs twice at once; a task queued while it runs is run again after. On a cluster (<see cref="TaskOwners"/>) it runs
/// only the tasks this node owns or claims, and instead of resuming the whole store at start it sweeps, at every
/// membership change and every few seconds, for the tasks of nodes that are gone.
/// </summary>
internal sealed class TaskRunner : IHostedService, IDisposable
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(2);

    private readonly AgentRuntime _runtime;
    private readonly TaskOwners _owners;
    private readonly ILogger _log;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly Lock _gate = new();
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    // The runs asked for and not yet started, by task; a channel item without one here is stale and skipped.
    private readonly Dictionary<string, TaskCompletionSource<TaskRunResult>> _queued = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _exclusive = new(1, 1);
    private CurrentRun? _current;
    private string? _held;
    private bool _deferred;
    private Task _loop = Task.CompletedTask;
    private Task _sweeps = Task.CompletedTask;
    private CancellationTokenRegistration _onStopping;

    public TaskRunner(AgentRuntime runtime, ILogger log, IHostApplicationLifetime lifetime, Serving.INodeMembership? cluster = null)
    {
        _runtime = runtime;
        _owners = new TaskOwners(runtime, cluster);
        _log = log;
        _lifetime = lifetime;
    }

    /// <summary>False once the host has begun to stop: no new task is taken.</summary>
    public bool Accepting => !_stopping.IsCancellationRequested;

    /// <summary>
    /// Queues a run of the task. The returned task ends with that run's result; it is cancelled when the runner stops (or
    /// the run is interrupted) first, and faults with the run's error. A task already queued is not queued twice.
    /// </summary>
    public Task<TaskRunResult> Enqueue(string taskId)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return Task.FromCanceled<TaskRunResult>(_stopping.Token);
            }

            if (_queued.TryGetValue(taskId, out var queued))
            {
                return queued.Task;
            }

            var run = new TaskCompletionSource<TaskRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queued[taskId] = run;
            _queue.Writer.TryWrite(taskId);
            return run.Task;
        }
    }

    /// <summary>
    /// Runs <paramref name="change"/> on a task that is not running: its run in progress, if any, is cancelled at its next
    /// cancellation point and awaited, and no run of it starts until <paramref name="change"/> has returned.
    /// </summary>
    public async Task<T> ExclusiveAsync<T>(string taskId, Func<T> change, CancellationToken cancellationToken)
    {
        await _exclusive.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CurrentRun? running;
            lock (_gate)
            {
                _held = taskId;
                running = _current is { } current && current.TaskId == taskId ? current : null;
            }

            if (running is not null)
            {
                await running.Cancel.CancelAsync().ConfigureAwait(false);
                await running.Ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            return change();
        }
        finally
        {
            lock (_gate)
            {
                _held = null;
                if (_deferred)
                {
                    _deferred = false;
                    _queue.Writer.TryWrite(taskId);
                }
            }

            _exclusive.Release();
        }
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _onStopping = _lifetime.ApplicationStopping.Register(Stop);
        if (_owners.Cluster is { } cluster)
        {
            cluster.Changed += (_, _) => Sweep();
            _sweeps = Task.Run(() => SweepLoopAsync(_stopping.Token), CancellationToken.None);
        }
        else
        {
            foreach (var task in _runtime.Options.Store.Tasks())
            {
                if (!task.IsTerminal)
                {
                    _ = Enqueue(task.TaskId);
                }
            }
        }

        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _sweeps.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _onStopping.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stopping.Dispose();
        _exclusive.Dispose();
    }

    // Takes no new run, cancels the one in progress and every queued one; the tasks stay as their checkpoints left them.
    private void Stop()
    {
        CurrentRun? running;
        List<TaskCompletionSource<TaskRunResult>> queued;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
            _queue.Writer.TryComplete();
            running = _current;
            queued = [.. _queued.Values];
            _queued.Clear();
        }

        running?.Cancel.Cancel();
        foreach (var run in queued)
        {
            run.TrySetCanceled();
        }
    }

    // Queues what this node should take over or pick up again (see TaskOwners.Sweep); a store error is logged and retried.
    private void Sweep()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            foreach (string taskId in _owners.Sweep())
            {
                _ = Enqueue(taskId);
            }
        }
        catch (StoreException error)
        {
            _log.LogWarning("agent tasks: the sweep for tasks of gone nodes failed ({Error}); it runs again shortly", error.Message);
        }
    }

    private async Task SweepLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(SweepEvery);
        try
        {
            do
            {
                Sweep();
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var taskId in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await RunOneAsync(taskId).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopping: what was queued resumes at the next start
        }
    }

    private async Task RunOneAsync(string taskId)
    {
        // Not linked to _stopping (Stop cancels it), so nothing needs disposing while a canceller may still hold it.
        var run = new CurrentRun(taskId, new CancellationTokenSource());
        TaskCompletionSource<TaskRunResult>? waiting;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || !_queued.ContainsKey(taskId))
            {
                return;
            }

            if (_held == taskId)
            {
                _deferred = true; // ExclusiveAsync queues it again once its change is done
                return;
            }

            _queued.Remove(taskId, out waiting);
            _current = run;
        }

        try
        {
            if (!_owners.TryTake(taskId))
            {
                // Another live node owns it (an approval resolved here for a task running there): its owner picks it up.
                waiting!.TrySetCanceled();
                return;
            }

            waiting!.TrySetResult(await _runtime.RunAsync(taskId, run.Cancel.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (run.Cancel.IsCancellationRequested)
        {
            waiting!.TrySetCanceled(run.Cancel.Token); // interrupted: its checkpoints let the next run go on
        }
#pragma warning disable CA1031 // one task's failure must not stop the runner: it is logged and handed to a waiting request
        catch (Exception error)
#pragma warning restore CA1031
        {
            _log.LogError(error, "agent task {TaskId}: the run failed ({Error}); it stays where its last checkpoint left it and resumes at the next start",
                taskId, error.Message);
            waiting!.TrySetException(error);
        }
        finally
        {
            lock (_gate)
            {
                _current = null;
            }

            run.Ended.TrySetResult();
        }
    }

    private sealed record CurrentRun(string TaskId, CancellationTokenSource Cancel)
    {
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

// A simulated replica: a continuous-batching loop over a waiting queue, with a prefix KV cache and measured step costs.
using Strata.Cluster.Routing;

namespace Strata.Bench.ClusterSim;

/// <summary>
/// One model replica, stepped by <see cref="ClusterSimulation"/>. Each step: admit waiting requests (FIFO) up to
/// <see cref="ReplicaConfig.MaxRunning"/>, looking up the leading blocks of their prompt in the prefix cache (a hit
/// stops at the first missing block); then one batch of one token per decoding sequence plus up to
/// <see cref="ReplicaConfig.ChunkTokens"/> prompt tokens of the prefilling ones, costing <see cref="CostTable.StepSeconds"/>.
/// A prompt's blocks enter the cache when its prefill ends; its first token comes out of that step. The cache is an LRU
/// of block hashes (<see cref="PrefixTable"/>, the router's table); it does not compete with running sequences for memory.
/// </summary>
internal sealed class SimReplica(string id, ReplicaConfig config, CostTable costs, SimMetrics metrics)
{
    private readonly Queue<SimSequence> _waiting = new();
    private readonly List<SimSequence> _running = [];
    private readonly PrefixTable _cache = new(config.CacheBlocks);

    /// <summary>The replica's id.</summary>
    public string Id { get; } = id;

    /// <summary>Sequences in the running batch.</summary>
    public int Running => _running.Count;

    /// <summary>Requests queued.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Whether a step is in flight.</summary>
    public bool Busy { get; private set; }

    /// <summary>Queues a routed request.</summary>
    public void Enqueue(SimRequest request) => _waiting.Enqueue(new SimSequence(request));

    /// <summary>Plans and starts a step at <paramref name="now"/>; false (and idle) when there is nothing to run.</summary>
    public bool TryStartStep(double now, out double endSeconds)
    {
        Admit();
        int decodes = 0;
        int budget = config.ChunkTokens;
        foreach (var s in _running)
        {
            s.DecodingThisStep = s.PrefillLeft == 0;
            decodes += s.DecodingThisStep ? 1 : 0;
            s.PrefillThisStep = Math.Min(s.PrefillLeft, budget);
            budget -= s.PrefillThisStep;
        }

        int prefill = config.ChunkTokens - budget;
        Busy = prefill + decodes > 0;
        endSeconds = Busy ? now + costs.StepSeconds(prefill, decodes) : now;
        return Busy;
    }

    /// <summary>Ends the step in flight at <paramref name="now"/>: prefills advance, tokens come out, finished requests leave.</summary>
    public void FinishStep(double now)
    {
        Busy = false;
        int kept = 0;
        for (int i = 0; i < _running.Count; i++)
        {
            var s = _running[i];
            if (s.PrefillThisStep > 0)
            {
                s.PrefillLeft -= s.PrefillThisStep;
                s.PrefillThisStep = 0;
                if (s.PrefillLeft == 0)
                {
                    Cache(s.Request.Blocks);
                    s.Generated = 1;
                    metrics.FirstToken(now - s.Request.ArrivalSeconds);
                }
            }
            else if (s.DecodingThisStep)
            {
                s.Generated++;
            }

            if (s.Generated >= s.Request.OutputTokens)
            {
                metrics.Completed(now, s.Request.OutputTokens);
            }
            else
            {
                _running[kept++] = s;
            }
        }

        _running.RemoveRange(kept, _running.Count - kept);
    }

    private void Admit()
    {
        while (_running.Count < config.MaxRunning && _waiting.TryDequeue(out var s))
        {
            var blocks = s.Request.Blocks;
            int hit = 0;
            while (hit < blocks.Length && _cache.Contains(blocks[hit]))
            {
                hit++;
            }

            Touch(blocks, hit);
            metrics.Admitted(hit, blocks.Length);

            // Like vLLM, a fully cached prompt still computes its last token to get logits.
            s.PrefillLeft = Math.Max(1, s.Request.PromptTokens - (hit * ReplicaConfig.BlockTokens));
            _running.Add(s);
        }
    }

    private void Cache(ulong[] blocks) => Touch(blocks, blocks.Length);

    // Deepest first, so the shared leading blocks are the most recently used and are evicted last.
    private void Touch(ulong[] blocks, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            _cache.Touch(blocks[i]);
        }
    }
}

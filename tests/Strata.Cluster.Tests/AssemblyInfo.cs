// Every test here starts its own cluster of servers and silos: run one at a time, so a 2-core machine keeps each
// cluster's reports and probes on time (failure detection and staleness are about seconds).
[assembly: CollectionBehavior(DisableTestParallelization = true)]

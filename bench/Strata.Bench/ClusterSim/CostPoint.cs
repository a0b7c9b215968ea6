// One measured engine step: its size (prompt tokens, or decoding sequences) and its fastest time.
namespace Strata.Bench.ClusterSim;

/// <summary>A measured step.</summary>
/// <param name="Size">prompt tokens of a prefill step, or sequences of a decode step</param>
/// <param name="Milliseconds">the step's wall time: the fastest of its repetitions</param>
internal sealed record CostPoint(int Size, double Milliseconds);

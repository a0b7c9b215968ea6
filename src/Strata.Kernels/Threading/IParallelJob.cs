// Contract of a unit of parallel work run by WorkerPool.
namespace Strata.Kernels;

/// <summary>A unit of parallel work: the pool calls Execute(i, count) for i in [0, count).</summary>
public interface IParallelJob
{
    /// <summary>Runs part <paramref name="index"/> of <paramref name="count"/>.</summary>
    void Execute(int index, int count);
}

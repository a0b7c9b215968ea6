// Up to three row-chunked jobs dispatched as one pool run.
namespace Strata.Kernels;

/// <summary>Up to three jobs run as one: part i goes to the job whose range of parts holds it.</summary>
internal struct GroupJob<TJob> : IParallelJob where TJob : struct, IParallelJob
{
    private TJob _a, _b, _c;
    private int _na, _nb, _nc;

    /// <summary>Parts of all jobs together.</summary>
    public readonly int Count => _na + _nb + _nc;

    /// <summary>Sets job i (0–2) and its part count.</summary>
    public void Set(int i, in TJob job, int parts)
    {
        switch (i)
        {
            case 0:
                _a = job;
                _na = parts;
                break;
            case 1:
                _b = job;
                _nb = parts;
                break;
            default:
                _c = job;
                _nc = parts;
                break;
        }
    }

    /// <inheritdoc/>
    public readonly void Execute(int index, int count)
    {
        if (index < _na)
        {
            _a.Execute(index, _na);
        }
        else if (index < _na + _nb)
        {
            _b.Execute(index - _na, _nb);
        }
        else
        {
            _c.Execute(index - _na - _nb, _nc);
        }
    }
}

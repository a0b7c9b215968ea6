// Wall time of an executable's steps over the runs it watched: where a forward pass spends its time, by kind of step.
using System.Diagnostics;
using Strata.Compiler.Ir;
using Strata.Compiler.Lowering;

namespace Strata.Engine.Runtime;

/// <summary>One kind of step in a <see cref="StepProfile"/>: its label, the steps and calls it covers, its time and share.</summary>
/// <param name="Label">the op, and for a product its weights' type and shape (a joined group: the members' rows summed)</param>
/// <param name="Steps">steps of the executable with this label</param>
/// <param name="Calls">calls timed (steps × runs)</param>
/// <param name="Milliseconds">wall time of those calls</param>
/// <param name="Share">fraction of all timed steps' time</param>
public sealed record StepProfileLine(string Label, int Steps, long Calls, double Milliseconds, double Share);

/// <summary>
/// Accumulates the wall time of each step of one executable while attached to its runner
/// (<see cref="ExecutableRunner.Profile"/>): two timestamps a step, nothing allocated. A joined product group is one entry
/// at its first member. <see cref="Summary"/> folds the steps by label, largest first.
/// </summary>
public sealed class StepProfile
{
    private readonly long[] _ticks;
    private readonly long[] _calls;
    private readonly int[] _members;

    /// <summary>A profile for an executable of <paramref name="steps"/> steps.</summary>
    public StepProfile(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        _ticks = new long[steps];
        _calls = new long[steps];
        _members = new int[steps];
    }

    /// <summary>Runs timed.</summary>
    public long Runs { get; private set; }

    /// <summary>Adds one call of step <paramref name="step"/> (with <paramref name="members"/> steps joined into it) that took <paramref name="ticks"/>.</summary>
    public void Add(int step, int members, long ticks)
    {
        _ticks[step] += ticks;
        _calls[step]++;
        _members[step] = members;
    }

    /// <summary>Counts one run of the whole executable.</summary>
    public void EndRun() => Runs++;

    /// <summary>The steps folded by label, largest time first.</summary>
    public IReadOnlyList<StepProfileLine> Summary(Executable executable)
    {
        ArgumentNullException.ThrowIfNull(executable);
        var byLabel = new Dictionary<string, (int Steps, long Calls, long Ticks)>(StringComparer.Ordinal);
        long total = 0;
        for (int i = 0; i < _ticks.Length; i++)
        {
            if (_calls[i] == 0)
            {
                continue;
            }

            string label = Label(executable, i, Math.Max(1, _members[i]));
            byLabel.TryGetValue(label, out var sum);
            byLabel[label] = (sum.Steps + 1, sum.Calls + _calls[i], sum.Ticks + _ticks[i]);
            total += _ticks[i];
        }

        var lines = new List<StepProfileLine>(byLabel.Count);
        foreach (var (label, sum) in byLabel)
        {
            lines.Add(new StepProfileLine(label, sum.Steps, sum.Calls, sum.Ticks * 1000.0 / Stopwatch.Frequency, total == 0 ? 0 : (double)sum.Ticks / total));
        }

        lines.Sort((a, b) => b.Milliseconds.CompareTo(a.Milliseconds));
        return lines;
    }

    private static string Label(Executable executable, int index, int members)
    {
        ExecutableStep step = executable.Steps[index];
        if (step.WeightIndex < 0 || step.Op is not (OpKind.MatMul or OpKind.MatMulQuantized))
        {
            return step.Op.ToString();
        }

        WeightRef w = executable.Weights[step.WeightIndex];
        int rows = 0;
        for (int m = 0; m < members; m++)
        {
            rows += executable.Weights[executable.Steps[index + m].WeightIndex].Rows;
        }

        return $"{step.Op} {w.Type} [{rows}, {w.Cols}]{(members > 1 ? $" joint ×{members}" : string.Empty)}";
    }
}

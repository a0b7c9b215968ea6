// The compiled decoder: a flat array of kernel calls over one planned arena, with a content hash.
using Strata.Compiler.Ir;

namespace Strata.Compiler.Lowering;

/// <summary>
/// What the engine runs. Steps execute in order; every activation lives at a planned offset of one arena of
/// <see cref="ArenaFloats"/> floats sized for <see cref="MaxBatchTokens"/> token rows, so a run allocates nothing.
/// </summary>
/// <param name="Graph">the optimised graph it was lowered from</param>
/// <param name="Steps">kernel calls in order</param>
/// <param name="Weights">weights the steps bind to, by index</param>
/// <param name="ArenaFloats">arena size in floats</param>
/// <param name="MaxBatchTokens">token-row capacity</param>
/// <param name="MaxOutputRows">output-row capacity</param>
/// <param name="LogitsOffset">arena offset of the logits [outputs, vocab]</param>
/// <param name="VocabSize">logits per output row</param>
/// <param name="KernelChoices">op (and weight type) → kernel description, for evidence; matrix products list their buckets</param>
/// <param name="MatMulKernels">per matrix-product step: the weight's packing and the kernel of each row-count bucket</param>
/// <param name="ProductGroups">consecutive matrix products over one input (Q/K/V, gate/up) and the row counts that run each as one job</param>
/// <param name="ContentHash">sha256 over graph text, weight identity, kernel ISA, numerics, batch invariance, VNNI packing and capacities</param>
/// <param name="Log">what each pass did</param>
/// <param name="Options">the options it was compiled with; the runner takes batch invariance and packing from them</param>
public sealed record Executable(
    Graph Graph,
    ExecutableStep[] Steps,
    WeightRef[] Weights,
    long ArenaFloats,
    int MaxBatchTokens,
    int MaxOutputRows,
    long LogitsOffset,
    int VocabSize,
    IReadOnlyDictionary<string, string> KernelChoices,
    IReadOnlyList<StepKernels> MatMulKernels,
    IReadOnlyList<StepGroup> ProductGroups,
    string ContentHash,
    CompileLog Log,
    CompileOptions Options);

// What to generate: prompt, limits, sampling, stop strings and an optional grammar.
using Strata.Engine.Sampling;

namespace Strata.Engine.Generation;

/// <summary>One generation request.</summary>
/// <param name="Prompt">prompt text</param>
/// <param name="MaxTokens">most tokens to generate (≥ 0)</param>
/// <param name="Sampling">sampler chain options</param>
/// <param name="StopStrings">generation ends before the first occurrence of any of these</param>
/// <param name="AddSpecial">add BOS/EOS as the model's tokenizer does (llama_tokenize add_special)</param>
/// <param name="CaptureFirstLogits">keep a copy of the logits after the prompt (tests, evidence)</param>
/// <param name="Grammar">
/// the grammar the generated text must follow (<see cref="Grammar.Grammar.Parse"/> for GBNF,
/// <see cref="Grammar.Grammar.FromJsonSchema(string, Grammar.JsonSchemaGrammarOptions?)"/>, <see cref="Grammar.Grammar.JsonObject"/>);
/// null = unconstrained. Reuse one instance across requests to share its automaton and cached masks.
/// </param>
public sealed record GenerationRequest(
    string Prompt,
    int MaxTokens,
    SamplerOptions Sampling,
    IReadOnlyList<string>? StopStrings = null,
    bool AddSpecial = true,
    bool CaptureFirstLogits = false,
    Grammar.Grammar? Grammar = null)
{
    /// <summary>Prompt as token ids, used as given instead of tokenizing <see cref="Prompt"/> (references that start from ids).</summary>
    public IReadOnlyList<int>? PromptIds { get; init; }
}

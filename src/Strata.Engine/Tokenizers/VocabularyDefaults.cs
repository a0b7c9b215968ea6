// llama.cpp's per-model-type defaults for special ids and add-BOS/EOS flags, used when the GGUF omits them.
namespace Strata.Engine.Tokenizers;

/// <summary>Defaults that apply when the GGUF metadata does not override them (-1 = none).</summary>
internal readonly record struct VocabularyDefaults(
    int BosId,
    int EosId,
    int UnknownId,
    int SeparatorId,
    bool AddBos,
    bool AddEos,
    bool AddSpacePrefix)
{
    /// <summary>SPM ("llama"): BOS 1, EOS 2, UNK 0, adds BOS, dummy space prefix.</summary>
    public static VocabularyDefaults Spm => new(1, 2, 0, -1, AddBos: true, AddEos: false, AddSpacePrefix: true);

    /// <summary>Byte-level BPE ("gpt2"): BOS = EOS = 11, no BOS/EOS added, no space prefix.</summary>
    public static VocabularyDefaults Bpe => new(11, 11, -1, -1, AddBos: false, AddEos: false, AddSpacePrefix: false);

    /// <summary>SentencePiece-style BPE ("gemma4"): no default special ids (the GGUF names them), adds BOS.</summary>
    public static VocabularyDefaults SentencePieceBpe => new(-1, -1, -1, -1, AddBos: true, AddEos: false, AddSpacePrefix: false);

    /// <summary>WordPiece ("bert"): [CLS] 101, [UNK] 100, [SEP] 102; adds [CLS] and [SEP].</summary>
    public static VocabularyDefaults WordPiece => new(101, -1, 100, 102, AddBos: true, AddEos: false, AddSpacePrefix: false);
}

// Lets the engine tests check internal tokenizer parts (pre-tokenizer splits) directly against regex oracles.
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Strata.Engine.Tests")]

// The convention by which a folded node carries a symbolic shape input: the input is omitted and the dims travel as an attribute.
//
// After ConstantFolding, an input that held a shape computed at run time from other shapes (pytorch's
// Shape → Gather → Unsqueeze → Concat chains) is replaced by null, and the node gets a Strings attribute named
// "<onnx input name>_dims" holding one Dim text per element (Dim.ToString: "batch", "12", "12*sequence"). A scalar input
// (Range's limit) has one element. The node's output shape is then fully known symbolically, so a runtime may equally read it.
//   Reshape(x, _) {shape_dims=['batch','sequence','12','32']}      Expand(x, _) {shape_dims=[...]}
//   ConstantOfShape(_) {input_dims=[...]}                        Slice(x, starts, _, axes, steps) {ends_dims=['sequence']}
//   Range(start, _, delta) {limit_dims=['sequence']}
using System.Globalization;

namespace Strata.Compiler.Graphs.Passes;

/// <summary>Reads and writes symbolic inputs carried as "&lt;input&gt;_dims" attributes.</summary>
internal static class SymbolicInputs
{
    /// <summary>The ONNX name of input <paramref name="index"/> of the ops that may take a symbolic input; null for others.</summary>
    public static string? InputName(OpNode node, int index) => (node.Op, index) switch
    {
        ("Reshape", 1) or ("Expand", 1) => "shape",
        ("ConstantOfShape", 0) => "input",
        ("Slice", 1) => "starts",
        ("Slice", 2) => "ends",
        ("Range", 0) => "start",
        ("Range", 1) => "limit",
        ("Range", 2) => "delta",
        _ => null,
    };

    /// <summary>The symbolic dims carried for input <paramref name="index"/>.</summary>
    public static bool TryGet(OpNode node, int index, out Dim[] dims)
    {
        dims = [];
        if (node.Input(index) is not null || InputName(node, index) is not { } name
            || !node.Attributes.TryGet(name + "_dims", out var value) || value.Kind != AttributeKind.Strings)
        {
            return false;
        }

        dims = new Dim[value.Strings.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = Parse(value.Strings[i]);
        }

        return true;
    }

    /// <summary><paramref name="node"/> with input <paramref name="index"/> replaced by the attribute.</summary>
    public static OpNode Carry(OpNode node, int index, IReadOnlyList<Dim> dims)
    {
        string name = InputName(node, index) ?? throw new ArgumentException($"{node.Op} input {index} takes no symbolic dims", nameof(index));
        var texts = new string[dims.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = dims[i].ToString();
        }

        var inputs = node.Inputs.ToArray();
        inputs[index] = null;
        return node with { Inputs = inputs, Attributes = node.Attributes.With(name + "_dims", new AttributeValue(AttributeKind.Strings) { Strings = texts }) };
    }

    /// <summary>Dim text back to a dim: "?", "384", "batch", "12*batch*sequence".</summary>
    public static Dim Parse(string text)
    {
        if (text == "?")
        {
            return Dim.Unknown;
        }

        var dim = Dim.Of(1);
        foreach (string part in text.Split('*'))
        {
            dim = dim.Times(long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long size) ? Dim.Of(size) : Dim.Symbol(part));
        }

        return dim;
    }
}

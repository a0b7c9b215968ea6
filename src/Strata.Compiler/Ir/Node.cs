// One immutable IR node: an op over input values (and optionally a weight) producing one value.
namespace Strata.Compiler.Ir;

/// <summary>An IR node.</summary>
/// <param name="Op">operation</param>
/// <param name="Inputs">input values, in op order</param>
/// <param name="Output">produced value (RowSpace.None for side effects)</param>
/// <param name="Weight">weight read by Embed/RmsNorm/HeadRmsNorm/MatMul/AddBias, or a Rope's frequency factors; else null</param>
/// <param name="Attributes">scalar parameters</param>
public sealed record Node(OpKind Op, IReadOnlyList<Value> Inputs, Value Output, WeightRef? Weight, NodeAttributes Attributes)
{
    /// <summary>True when the output may share the first input's storage (element-wise, row by row).</summary>
    public bool CanRunInPlace => Op is OpKind.AddBias or OpKind.Rope or OpKind.Add or OpKind.SwiGlu or OpKind.RmsNorm or OpKind.HeadRmsNorm
        or OpKind.Scale or OpKind.GeluGlu or OpKind.SoftCap;

    /// <inheritdoc/>
    public override string ToString()
    {
        var inputs = new System.Text.StringBuilder();
        foreach (var v in Inputs)
        {
            inputs.Append(inputs.Length == 0 ? string.Empty : ", ").Append('%').Append(v.Id);
        }

        string weight = Weight is null ? string.Empty : $" w={Weight}";
        return $"{Output} = {Op}({inputs}){weight} {Attributes}";
    }
}

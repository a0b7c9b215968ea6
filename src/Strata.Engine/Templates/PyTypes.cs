// Python's names for the types of template values, as error messages and Jinja's undefined messages print them.
namespace Strata.Engine.Templates;

/// <summary>Type names: <c>type(x).__name__</c> and Jinja's <c>object_type_repr</c>.</summary>
internal static class PyTypes
{
    /// <summary><c>type(value).__name__</c></summary>
    public static string Name(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        PyList list => list.Kind switch
        {
            SequenceKind.Tuple => "tuple",
            SequenceKind.DictKeys => "dict_keys",
            SequenceKind.DictValues => "dict_values",
            SequenceKind.DictItems => "dict_items",
            SequenceKind.Range => "range",
            _ => "list",
        },
        PyDict => "dict",
        Namespace => "Namespace",
        Undefined => "Undefined",
        PyGenerator generator => generator.TypeName,
        MacroValue => "Macro",
        LoopContext => "LoopContext",
        TemplateCallable => "builtin_function_or_method",
        _ => value.GetType().Name,
    };

    /// <summary>Jinja's <c>object_type_repr</c>: "None", "dict object", "jinja2.utils.Namespace object".</summary>
    public static string ObjectDescription(object? value) => value switch
    {
        null => "None",
        Namespace => "jinja2.utils.Namespace object",
        Undefined => "jinja2.runtime.Undefined object",
        MacroValue => "jinja2.runtime.Macro object",
        LoopContext => "jinja2.runtime.LoopContext object",
        _ => Name(value) + " object",
    };
}

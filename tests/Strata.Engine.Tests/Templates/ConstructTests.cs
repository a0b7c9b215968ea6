// Each Jinja construct group renders as jinja2 renders it with transformers' settings (data/constructs.json).
namespace Strata.Engine.Tests.Templates;

public sealed class ConstructTests
{
    public static TheoryData<string> Whitespace => ConstructCases.Ids("whitespace");

    public static TheoryData<string> Printing => ConstructCases.Ids("printing");

    public static TheoryData<string> Operators => ConstructCases.Ids("operators");

    public static TheoryData<string> Access => ConstructCases.Ids("access");

    public static TheoryData<string> StringMethods => ConstructCases.Ids("string-methods");

    public static TheoryData<string> CollectionMethods => ConstructCases.Ids("collection-methods");

    public static TheoryData<string> Filters => ConstructCases.Ids("filters");

    public static TheoryData<string> Tests => ConstructCases.Ids("tests");

    public static TheoryData<string> Loops => ConstructCases.Ids("loops");

    public static TheoryData<string> Assignment => ConstructCases.Ids("assignment");

    public static TheoryData<string> Macros => ConstructCases.Ids("macros");

    public static TheoryData<string> Errors => ConstructCases.Ids("errors");

    public static TheoryData<string> RandomExpressions => ConstructCases.Ids("random");

    [Theory]
    [MemberData(nameof(Whitespace))]
    public void Render_WhitespaceControl_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Printing))]
    public void Render_PythonPrinting_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Operators))]
    public void Render_Operators_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Access))]
    public void Render_AttributeItemAndSlice_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(StringMethods))]
    public void Render_StringMethods_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(CollectionMethods))]
    public void Render_ListAndDictMethods_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Filters))]
    public void Render_Filters_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Tests))]
    public void Render_Tests_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Loops))]
    public void Render_LoopsAndLoopVariable_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Assignment))]
    public void Render_AssignmentScopingAndNamespace_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Macros))]
    public void Render_MacrosCallAndFilterBlocks_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(Errors))]
    public void Render_ErrorsRaiseAndGlobals_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);

    [Theory]
    [MemberData(nameof(RandomExpressions))]
    public void Render_SeededRandomExpressions_MatchesJinja2(string id) => ConstructCases.AssertMatchesJinja2(id);
}

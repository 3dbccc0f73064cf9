extern alias generator;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ViTDsl.Runtime.Models;

namespace ViTDsl.Tests.SourceGeneration;

/// <summary>Runs the ViTDsl generator over C# source with CSharpGeneratorDriver, as the compiler would.</summary>
public static class GeneratorHarness
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Experiment).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(VitModule).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
    ];

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "Declarations" + Guid.NewGuid().ToString("N"),
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: $"Declarations{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        [new generator::ViTDsl.Generators.ExperimentsGenerator().AsSourceGenerator()],
        parseOptions: Parse,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its diagnostics and the compilation with the generated code added.</summary>
    public static (ImmutableArray<Diagnostic> GeneratorDiagnostics, Compilation Output) Run(params string[] sources)
    {
        Driver().RunGeneratorsAndUpdateCompilation(Compilation(sources), out var output, out var diagnostics);
        return (diagnostics, output);
    }

    /// <summary>Compiles declarations with the generated code and loads the result, failing on any error.</summary>
    public static Assembly CompileAndLoad(string source)
    {
        var (diagnostics, output) = Run(source);
        Assert.Empty(diagnostics);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return Assembly.Load(image.ToArray());
    }

    /// <summary>The generated catalog of an assembly compiled from declarations.</summary>
    public static IReadOnlyList<GeneratedExperiment> Catalog(Assembly assembly) =>
        (IReadOnlyList<GeneratedExperiment>)assembly.GetType("ViTDsl.Generated.ExperimentCatalog", throwOnError: true)!
            .GetProperty("All")!.GetValue(null)!;

    /// <summary>The generated sweeps of an assembly compiled from declarations.</summary>
    public static IReadOnlyList<GeneratedSweep> Sweeps(Assembly assembly) =>
        (IReadOnlyList<GeneratedSweep>)assembly.GetType("ViTDsl.Generated.ExperimentCatalog", throwOnError: true)!
            .GetProperty("Sweeps")!.GetValue(null)!;
}

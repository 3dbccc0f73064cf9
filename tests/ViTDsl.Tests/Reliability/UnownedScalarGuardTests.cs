using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ViTDsl.Runtime.Models;
using ViTDsl.Tests.SourceGeneration;

namespace ViTDsl.Tests.Reliability;

/// <summary>
/// The guard against the Scalar use-after-free (see <see cref="NativeScalarStressTests"/>): no code of a project that
/// runs TorchSharp (the Runtime, the CLI, the repository's experiments and benchmarks, the tests' worker) and no
/// generated model hands TorchSharp a Scalar that nothing owns. Each finding names its file and line.
/// </summary>
public class UnownedScalarGuardTests
{
    /// <summary>
    /// A project whose code runs TorchSharp: its source folder, the assembly its sources compile to (so that the
    /// InternalsVisibleTo grants of the assemblies it references apply), the built assemblies whose references it compiles
    /// against, the assembly-name prefix of what is compiled here from source, its project-wide usings, and whether the
    /// ViTDsl generator runs over it (its declarations' models are checked by the test of generated models), and whether it is a program.
    /// </summary>
    public sealed record Project(string Folder, string AssemblyName, Assembly[] Built, string CompiledHere, string[] Usings, bool Generated = false, bool Exe = false)
    {
        public override string ToString() => Folder;
    }

    public static TheoryData<Project> Projects => new()
    {
        // The Runtime's four assemblies compile as one, named as the Training assembly, which the Dsl lets see its internals.
        new Project("src/Runtime", "ViTDsl.Runtime.Training",
            [typeof(MetricName).Assembly, typeof(VitModule).Assembly, typeof(ViTDsl.Runtime.Analysis.ScalingLawFitter).Assembly, typeof(ViTDsl.Runtime.Store.ResultsStore).Assembly],
            "ViTDsl.Runtime.", []),
        new Project("src/Cli", "ViTDsl.Cli", [typeof(ViTDsl.Cli.CliApp).Assembly], "ViTDsl.Cli", ["ViTDsl.Runtime"]),
        new Project("experiments", "vitdsl", [typeof(ViTDsl.Experiments.Paper.Table2).Assembly], "vitdsl", ["ViTDsl.Runtime"], Generated: true, Exe: true),
        new Project("tests/ViTDsl.TestWorker", "ViTDsl.TestWorker", [typeof(ViTDsl.TestWorker.LeastSquaresTrial).Assembly], "ViTDsl.TestWorker", [], Exe: true),
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void Every_project_that_runs_torchsharp_passes_it_only_owned_scalars(Project project)
    {
        var root = RepositoryRoot();
        var folder = Path.Combine(root, project.Folder);
        var trees = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(folder, f)))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, path: f))
            .ToList();
        Assert.True(trees.Count > 5, $"only {trees.Count} source files found under {folder}");
        var usings = string.Concat(project.Usings.Select(u => $"global using {u};\n"));
        Compilation compilation = CSharpCompilation.Create(project.AssemblyName, [.. trees, CSharpSyntaxTree.ParseText(ImplicitUsings + usings, Parse)],
            References(project.Built, project.CompiledHere),
            new CSharpCompilationOptions(project.Exe ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        if (project.Generated) GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out compilation, out _);
        // The guard reads meaning, so the sources must compile here as they do in the build — except the bodies that
        // the SDK's own generators write ([GeneratedRegex] partial methods, CS8795), which hold no TorchSharp call.
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Take(5).ToList();
        Assert.True(errors.Count == 0, $"{project.Folder} does not compile for the guard:\n" + string.Join("\n", errors));

        var findings = UnownedScalarFinder.Find(compilation, trees, path => Path.GetRelativePath(root, path))
            .Where(f => !Accepted.Contains((f.File, f.Code))).ToList();
        Assert.True(findings.Count == 0, $"{findings.Count} unowned Scalars:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void Generated_models_pass_only_owned_scalars_to_torchsharp()
    {
        // One declaration per branch of the model emitter: each pooling, with and without pre-logits.
        var (diagnostics, output) = GeneratorHarness.Run("""
            using ViTDsl;
            [Experiments]
            public static partial class Shapes
            {
                public static Experiment Token => new(new Vit(Patch: 4, Width: 32, Depth: 2, Mlp: 64, Heads: 2) { Image = 16, Channels = 1, Pool = new Pool.Token(), PreLogits = 16 });
                public static Experiment Gap => new(new Vit(Patch: 4, Width: 32, Depth: 2, Mlp: 64, Heads: 2) { Image = 16, Channels = 1, Pool = new Pool.Gap() });
                public static Experiment Map => new(new Vit(Patch: 4, Width: 32, Depth: 2, Mlp: 64, Heads: 2) { Image = 16, Channels = 1, Pool = new Pool.Map(), PreLogits = 16 });
            }
            """);
        Assert.Empty(diagnostics);
        var generated = output.SyntaxTrees.Where(t => t.FilePath.Contains("ViTDsl.Generators")).ToList();
        Assert.NotEmpty(generated);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var findings = UnownedScalarFinder.Find(output, generated, Path.GetFileName);
        Assert.True(findings.Count == 0, $"{findings.Count} unowned Scalars in generated code:\n" + string.Join("\n", findings));
    }

    [Fact]
    public void The_guard_finds_every_unowned_form_and_accepts_owned_scalars()
    {
        const string source = """
            using TorchSharp;
            using static TorchSharp.torch;
            public static class Sample
            {
                private static readonly Scalar Half = 0.5.ToScalar();
                public static Tensor Unowned(Tensor t, Tensor u, double x)
                {
                    t.mul_(0.9);
                    t.add_(u, alpha: x);
                    var a = t * 2.0;
                    var b = 1.0 - t;
                    t.div_(x.ToScalar());
                    var c = t.add((Scalar)3, Half);
                    return a + b;
                }
                public static Tensor Owned(Tensor t, Tensor u, double x)
                {
                    using var s = x.ToScalar();
                    using Scalar one = 1;
                    t.mul_(s).add_(u, alpha: Half);
                    return (t * s).add(u, one);
                }
                public static Scalar Made(double x) => x.ToScalar();
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source, Parse, path: "Sample.cs");
        var compilation = CSharpCompilation.Create("GuardSample", [tree], References([typeof(VitModule).Assembly], "ViTDsl.Runtime."),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        var findings = UnownedScalarFinder.Find(compilation, [tree]);
        // Lines 8–14 each hold one unowned form; line 14 is `a + b`, which TorchSharp computes as a.add(b, alpha: 1)
        // with an implicitly converted alpha. Nothing else is found.
        Assert.Equal([8, 9, 10, 11, 12, 13, 14], findings.Select(f => f.Line).Distinct());
        Assert.All(findings, f => Assert.StartsWith("Sample.cs:", f.ToString()));
        Assert.Contains(findings, f => f.Line == 10 && f.Problem.Contains("operator *(TorchSharp.torch.Tensor, double)"));
        Assert.Contains(findings, f => f.Line == 14 && f.Problem.Contains("operator +(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)"));
        Assert.True(TorchSharpScalarMakers.Count > 100, $"only {TorchSharpScalarMakers.Count} Scalar-making TorchSharp methods found");
    }

    // Unowned Scalars the guard accepts, by file and code: the optimizer benchmark's baseline is TorchSharp's own Adam as
    // a user would call it (its step() makes them inside TorchSharp); it runs in the benchmark only, never in a trial.
    private static readonly (string File, string Code)[] Accepted = [("experiments/Bench/OptimizerBenchmark.cs", "baseline.step()")];

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    // The SDK's implicit global usings for a class library (ImplicitUsings=enable).
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");

    /// <summary>The reference assemblies of .NET and every library <paramref name="built"/> reference, directly or not (from the
    /// test's output), less the assemblies whose names start with <paramref name="compiledHere"/>: their sources are compiled.</summary>
    private static IReadOnlyList<MetadataReference> References(Assembly[] built, string compiledHere)
    {
        var framework = Basic.Reference.Assemblies.Net100.References.All;
        var frameworkNames = framework.Select(r => Path.GetFileNameWithoutExtension(r.FilePath)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var libraries = new List<MetadataReference>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<AssemblyName>(built.SelectMany(a => a.GetReferencedAssemblies()));
        while (pending.TryDequeue(out var name))
        {
            if (frameworkNames.Contains(name.Name!) || name.Name!.StartsWith(compiledHere, StringComparison.Ordinal) || !seen.Add(name.Name!)) continue;
            var assembly = Assembly.Load(name);
            libraries.Add(MetadataReference.CreateFromFile(assembly.Location));
            foreach (var dependency in assembly.GetReferencedAssemblies()) pending.Enqueue(dependency);
        }
        return [.. framework, .. libraries];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "Runtime"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no src/Runtime above {AppContext.BaseDirectory}; run the tests from the repository's build output.");
    }
}

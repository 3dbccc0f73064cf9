using System.CommandLine;
using ViTDsl.Cli;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ViTDsl.Experiments.Tools;

public static class BenchGeneratorCommand
{
    /// <summary>
    /// `vitdsl bench generator`: the ViTDsl source generator's processor time in a
    /// CSharpGeneratorDriver over synthetic projects of N declarations plus one sweep of T trials: a first build, an
    /// unrelated edit and an edit of one declaration. With <c>--baseline</c> a second generator build (e.g. an older
    /// commit's) is measured in the same run and the ratios are printed.
    /// </summary>
    public static Command Create(TextWriter? output = null)
    {
        var generator = new Option<string?>("--generator") { Description = "ViTDsl.Generators.dll to measure (default: the newest build in this checkout's src/Generators/bin)." };
        var baseline = new Option<string?>("--baseline") { Description = "Another ViTDsl.Generators.dll to measure in the same run, for ratios." };
        var sizes = TypedOption.List("--declarations", Count, "N,N,…", "Comma-separated declaration counts.", defaultText: "10,100,1000");
        var trials = TypedOption.List("--trials", Count, "N,N,…", "Comma-separated sweep sizes (trials), each with 100 declarations.", defaultText: "100,1000");
        var rounds = new Option<int>("--rounds") { Description = "Runs per case; the median is reported.", DefaultValueFactory = _ => 3 };
        var lines = new Option<string?>("--lines-of") { Description = "Instead: count the lines each generator emits for the [Experiments] files under this folder." };
        var command = new Command("generator", "Time the source generator on synthetic declarations (first build, unrelated edit, one declaration edited).");
        foreach (var option in new Option[] { generator, baseline, sizes, trials, rounds, lines }) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var writer = output ?? Console.Out;
            var generators = new List<(string Label, IIncrementalGenerator Generator)> { ("measured", GeneratorBench.Load(parsed.GetValue(generator) ?? GeneratorBench.DefaultPath())) };
            if (parsed.GetValue(baseline) is { } other) generators.Add(("baseline", GeneratorBench.Load(other)));
            if (parsed.GetValue(lines) is { } folder)
            {
                foreach (var (label, g) in generators)
                {
                    var files = GeneratorBench.GeneratedLines(g, folder);
                    writer.WriteLine($"{label}: {files.Sum(f => f.Lines)} generated lines, {files.Sum(f => f.Characters)} characters, " +
                                     $"longest line {files.Max(f => f.Longest)} characters, in {files.Count} files");
                    foreach (var f in files) writer.WriteLine($"  {f.Lines,7} lines {f.Characters,9} chars  {f.Name}");
                }
                return;
            }
            var cases = parsed.GetValue(sizes)!.Items.Select(n => (n, 0))
                .Concat(parsed.GetValue(trials)!.Items.Select(t => (100, t))).ToList();
            writer.WriteLine($"{"declarations",12} {"trials",7} {"generator",9} {"first build cpu ms",19} {"unrelated edit cpu ms",22} {"one edited cpu ms",18}");
            var results = new Dictionary<(int, int, string), GeneratorTimes>();
            // Warm-up: JIT compilation (and its re-compilation of hot code) out of the numbers.
            foreach (var (_, g) in generators) GeneratorBench.Measure(g, 100, 100, 3);
            foreach (var (n, t) in cases)
                foreach (var (label, g) in generators)
                {
                    var times = GeneratorBench.Measure(g, n, t, parsed.GetValue(rounds));
                    GC.Collect(); // the next case starts without this one's garbage
                    results[(n, t, label)] = times;
                    writer.WriteLine($"{I(n),12} {I(t),7} {label,9} {Ms(times.First),19} {Ms(times.UnrelatedEdit),22} {Ms(times.OneEdited),18}");
                }
            if (generators.Count == 2)
                foreach (var (n, t) in cases)
                {
                    var (a, b) = (results[(n, t, "measured")], results[(n, t, "baseline")]);
                    writer.WriteLine($"{n} declarations, {t} trials: measured / baseline = {a.First / b.First:0.###} (first build), " +
                                     $"{a.UnrelatedEdit / b.UnrelatedEdit:0.###} (unrelated edit), {a.OneEdited / b.OneEdited:0.###} (one edited)");
                }
        });
        return command;
    }

    private static int Count(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new ArgumentException($"'{text}' is not a count; give positive whole numbers, e.g. 10,100");

    private static string I(int n) => n.ToString(CultureInfo.InvariantCulture);
    private static string Ms(double seconds) => (seconds * 1e3).ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>Median processor seconds of the generator's first build, an unrelated edit and an edit of one declaration.</summary>
public sealed record GeneratorTimes(double First, double UnrelatedEdit, double OneEdited);

/// <summary>Drives a ViTDsl generator build as the compiler would, over synthetic declarations.</summary>
public static class GeneratorBench
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
        .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray());

    /// <summary>The newest ViTDsl.Generators.dll built in this checkout (found from the CLI's own folder upwards).</summary>
    public static string DefaultPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "src", "Generators", "bin");
            if (!Directory.Exists(bin)) continue;
            var newest = Directory.GetFiles(bin, "ViTDsl.Generators.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            if (newest is not null) return newest;
        }
        throw new UsageException("no ViTDsl.Generators.dll found above this program; build src/Generators or pass --generator PATH.");
    }

    /// <summary>Loads a generator build in a context of its own, so two builds of the same assembly can be compared.</summary>
    public static IIncrementalGenerator Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"{path} does not exist; pass the path of a built ViTDsl.Generators.dll.");
        var context = new AssemblyLoadContext("generator " + path);
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(path));
        var type = assembly.GetType("ViTDsl.Generators.ExperimentsGenerator", throwOnError: true)!;
        return (IIncrementalGenerator)Activator.CreateInstance(type)!;
    }

    /// <summary>N experiments of distinct recipes over a few shapes, and (when trials &gt; 0) one sweep of that many trials.</summary>
    public static string Declarations(int declarations, int trials)
    {
        var code = new System.Text.StringBuilder("using ViTDsl;\nnamespace Bench;\n[Experiments]\npublic static partial class Synthetic\n{\n");
        for (int i = 0; i < declarations; i++)
            code.AppendLine($"    public static Experiment E{i} => new(Vit.Ti(4) with {{ Depth = {1 + i % 6}, Image = 28, Channels = 1, Classifier = new Classifier(10) }}) {{ Steps = {100_000 + i}, LearningRate = 1e-3 }};");
        if (trials > 0)
        {
            // widths × depths × steps, as close to the requested count as a three-way product gets
            int side = (int)Math.Round(Math.Cbrt(trials)), last = Math.Max(1, trials / (side * side));
            string Values(IEnumerable<int> v) => string.Join(", ", v);
            code.AppendLine($"    public static Sweep Grid => Sweep.From(E0)" +
                            $" * Axis.Of(\"width\", (e, w) => e with {{ Model = e.Model with {{ Width = w }} }}, {Values(Enumerable.Range(1, side).Select(k => 48 * k))})" +
                            $" * Axis.Of(\"depth\", (e, d) => e with {{ Model = e.Model with {{ Depth = d }} }}, {Values(Enumerable.Range(1, side))})" +
                            $" * Axis.Of(\"steps\", (e, s) => e with {{ Steps = s }}, {Values(Enumerable.Range(1, last).Select(k => 100_000 * k))});");
        }
        return code.Append("}\n").ToString();
    }

    public static GeneratorTimes Measure(IIncrementalGenerator generator, int declarations, int trials, int rounds)
    {
        var source = Declarations(declarations, trials);
        var first = new List<double>();
        var unrelated = new List<double>();
        var one = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var compilation = Compile(source, "namespace Bench; public static class Helpers { }");
            GeneratorDriver driver = CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], parseOptions: Parse);
            first.Add(CpuSeconds(ref driver, compilation));
            var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Last(),
                CSharpSyntaxTree.ParseText($"namespace Bench; public static class Helpers {{ public static int Answer => {round}; }}", Parse, path: "Helpers.cs"));
            unrelated.Add(CpuSeconds(ref driver, edited));
            var declarationEdited = edited.ReplaceSyntaxTree(edited.SyntaxTrees.First(),
                CSharpSyntaxTree.ParseText(source.Replace("Steps = 100001,", "Steps = 199999,"), Parse, path: "Synthetic.cs"));
            one.Add(CpuSeconds(ref driver, declarationEdited));
            var errors = driver.GetRunResult().Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0) throw new InvalidOperationException("the synthetic declarations did not generate: " + errors[0]);
        }
        return new GeneratorTimes(Median(first), Median(unrelated), Median(one));
    }

    /// <summary>Generated code for the [Experiments] files under a folder: each file's lines, characters and longest line.</summary>
    public static IReadOnlyList<(string Name, int Lines, int Characters, int Longest)> GeneratedLines(IIncrementalGenerator generator, string folder)
    {
        var sources = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("[Experiments]", StringComparison.Ordinal)).Select(File.ReadAllText).ToArray();
        var driver = CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], parseOptions: Parse).RunGenerators(Compile(sources));
        return driver.GetRunResult().GeneratedTrees
            .Select(t => t.GetText())
            .Zip(driver.GetRunResult().GeneratedTrees, (text, tree) => (Path.GetFileName(tree.FilePath), text.Lines.Count, text.Length, text.Lines.Max(l => l.Span.Length)))
            .OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    private static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create("Bench",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: i == 0 ? "Synthetic.cs" : $"File{i}.cs")),
        References.Value, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// The processor time of one generator run (this process's, all threads): on a shared, loaded machine wall time
    /// mostly measures the other processes. The run's own work is all there is in the process meanwhile.
    /// </summary>
    private static double CpuSeconds(ref GeneratorDriver driver, Compilation compilation)
    {
        var before = Environment.CpuUsage.TotalTime;
        driver = driver.RunGenerators(compilation);
        return (Environment.CpuUsage.TotalTime - before).TotalSeconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}

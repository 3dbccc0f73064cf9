using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ViTDsl.Generators.Pipeline;

namespace ViTDsl.Generators.Emit;

/// <summary>
/// Emits a sweep expanded at build time: the trials with
/// their stable names, evaluated declarations and facts.
/// </summary>
internal static class SweepEmitter
{
    /// <summary>The sweep class's member holding its baseline, which trials are printed against.</summary>
    public const string BaselineMember = "Baseline";

    public static void Emit(StringBuilder code, ClassOutput owner, DeclarationOutput sweep, AssemblyOutput assembly, bool withModels)
    {
        var trials = sweep.Experiments;
        var shapes = trials.Select(t => t.Shape).Distinct().Count();
        var facts = sweep.SweepFacts!;
        var name = sweep.Key.Name;

        code.Append($$"""

    /// <summary>The {{trials.Length.ToString(CultureInfo.InvariantCulture)}} trials of <see cref="{{name}}"/>, expanded at build time ({{shapes.ToString(CultureInfo.InvariantCulture)}} distinct models).</summary>
    public static class {{name}}Sweep
    {
        public const string Name = "{{name}}";
        public const string DeclaredIn = "{{owner.Outline.ClassName}}";
        public const int TrialCount = {{trials.Length.ToString(CultureInfo.InvariantCulture)}};

        /// <summary>Training compute as the paper counts it: every trial from scratch (FLOPs).</summary>
        public const double TrainingFlops = {{SourceText.Print(facts.TrainingFlops)}};

        /// <summary>Training compute actually spent when durations branch off shared prefixes (FLOPs).</summary>
        public const double TrainingFlopsWhenBranched = {{SourceText.Print(facts.TrainingFlopsWhenBranched)}};

        /// <summary>Estimated wall time of the whole sweep on this machine, in seconds.</summary>
        public const double EstimatedSeconds = {{SourceText.Print(facts.EstimatedSeconds)}};

        /// <summary>The most wall time one trial attempt may take, in seconds (declared, or derived from the estimate).</summary>
        public const double TrialTimeLimitSeconds = {{SourceText.Print(facts.TrialTimeLimitSeconds)}};

        /// <summary>All sweep facts as one value.</summary>
        public static global::ViTDsl.SweepFacts Facts { get; } =
            {{Layout.Indent(SourceText.Pretty(facts), 12)}};

        /// <summary>The sweep's baseline: each trial below is it with its axes' values.</summary>
        public static global::ViTDsl.Experiment {{BaselineMember}} { get; } =
            {{Layout.Indent(sweep.BaselineSource!, 12)}};

        /// <summary>The trial names, in the sweep's order (the last axis varies fastest).</summary>
        public static global::System.Collections.Generic.IReadOnlyList<string> TrialNames { get; } = new[]
        {
{{string.Join("\n", trials.Select(t => $"            {SourceText.Print(t.Name)},"))}}
        };

""");
        if (withModels) EmitTrials(code, name, trials, assembly);
        code.AppendLine("    }");
    }

    // The trials as catalog entries, each with its declaration, facts and model factory, and the sweep's own entry.
    private static void EmitTrials(StringBuilder code, string name, IEnumerable<ExperimentDeclaration> trials, AssemblyOutput assembly)
    {
        code.AppendLine("        /// <summary>Every trial with its declaration, facts and model factory.</summary>");
        code.AppendLine("        public static global::System.Collections.Generic.IReadOnlyList<global::ViTDsl.Runtime.Models.GeneratedExperiment> Trials { get; } =");
        code.AppendLine("            new global::ViTDsl.Runtime.Models.GeneratedExperiment[]");
        code.AppendLine("            {");
        foreach (var trial in trials)
        {
            code.AppendLine("                new(");
            code.AppendLine($"                    {SourceText.Print(name + "/" + trial.Name)},");
            code.AppendLine("                    DeclaredIn,");
            code.AppendLine($"                    {Layout.Indent(trial.ValueSource, 20)},");
            code.AppendLine($"                    {Layout.Indent(SourceText.Pretty(trial.Facts), 20)},");
            code.AppendLine($"                    (device, precision) => new {assembly.ModelType(trial.Shape)}(device, precision)),");
        }
        code.AppendLine("            };");
        code.AppendLine();
        code.AppendLine("        /// <summary>This sweep as a catalog entry.</summary>");
        code.AppendLine("        public static global::ViTDsl.Runtime.Models.GeneratedSweep Entry { get; } = new(Name, DeclaredIn, Trials, Facts);");
    }
}

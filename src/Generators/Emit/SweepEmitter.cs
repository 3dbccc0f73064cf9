using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ViTDsl.Generators.Pipeline;

namespace ViTDsl.Generators.Emit;

/// <summary>
/// Emits a sweep expanded at build time: one typed model per distinct shape among its trials, and the trials with
/// their stable names, evaluated declarations and facts.
/// </summary>
internal static class SweepEmitter
{
    public static void Emit(StringBuilder code, ExperimentClass owner, SweepDeclaration sweep, bool withModels)
    {
        var shapes = sweep.Trials.Select(t => t.Value.BuiltModel()).Distinct().ToList();
        var facts = SweepFacts.Of(sweep.Trials.Select(t => t.Value).ToList(), sweep.TrialTimeLimitSeconds);
        var modelOf = shapes.Select((shape, i) => (shape, name: $"{sweep.Name}Model{i}")).ToDictionary(x => x.shape, x => x.name);

        code.Append($$"""

    /// <summary>The {{sweep.Trials.Length.ToString(CultureInfo.InvariantCulture)}} trials of <see cref="{{sweep.Name}}"/>, expanded at build time ({{shapes.Count.ToString(CultureInfo.InvariantCulture)}} distinct models).</summary>
    public static class {{sweep.Name}}Sweep
    {
        public const string Name = "{{sweep.Name}}";
        public const string DeclaredIn = "{{owner.ClassName}}";
        public const int TrialCount = {{sweep.Trials.Length.ToString(CultureInfo.InvariantCulture)}};

        /// <summary>Training compute as the paper counts it: every trial from scratch (FLOPs).</summary>
        public const double TrainingFlops = {{SourceText.Print(facts.TrainingFlops)}};

        /// <summary>Training compute actually spent when durations branch off shared prefixes (FLOPs).</summary>
        public const double TrainingFlopsWhenBranched = {{SourceText.Print(facts.TrainingFlopsWhenBranched)}};

        /// <summary>Estimated wall time of the whole sweep on this machine, in seconds.</summary>
        public const double EstimatedSeconds = {{SourceText.Print(facts.EstimatedSeconds)}};

        /// <summary>The most wall time one trial attempt may take, in seconds (declared, or derived from the estimate).</summary>
        public const double TrialTimeLimitSeconds = {{SourceText.Print(facts.TrialTimeLimitSeconds)}};

        /// <summary>All sweep facts as one value.</summary>
        public static global::ViTDsl.SweepFacts Facts { get; } = {{SourceText.Print(facts)}};

        /// <summary>The trial names, in the sweep's order (the last axis varies fastest).</summary>
        public static global::System.Collections.Generic.IReadOnlyList<string> TrialNames { get; } = new[]
        {
{{string.Join("\n", sweep.Trials.Select(t => $"            {SourceText.Print(t.Name)},"))}}
        };

""");
        if (withModels)
        {
            code.AppendLine("        /// <summary>Every trial with its declaration, facts and model factory.</summary>");
            code.AppendLine("        public static global::System.Collections.Generic.IReadOnlyList<global::ViTDsl.Runtime.Models.GeneratedExperiment> Trials { get; } =");
            code.AppendLine("            new global::ViTDsl.Runtime.Models.GeneratedExperiment[]");
            code.AppendLine("            {");
            foreach (var trial in sweep.Trials)
                code.AppendLine($"                new({SourceText.Print(sweep.Name + "/" + trial.Name)}, DeclaredIn, {trial.ValueSource}, " +
                                $"{SourceText.Print(trial.Facts)}, (device, precision) => new {modelOf[trial.Value.BuiltModel()]}(device, precision)),");
            code.AppendLine("            };");
            code.AppendLine();
            code.AppendLine("        /// <summary>This sweep as a catalog entry.</summary>");
            code.AppendLine("        public static global::ViTDsl.Runtime.Models.GeneratedSweep Entry { get; } = new(Name, DeclaredIn, Trials, Facts);");
        }
        code.AppendLine("    }");
        if (withModels)
            foreach (var shape in shapes) ModelEmitter.Emit(code, modelOf[shape], shape);
    }
}

using System.Globalization;
using System.Text;
using ViTDsl.Generators.Pipeline;

namespace ViTDsl.Generators.Emit;

/// <summary>Emits the plan of one declaration: its compile-time facts as constants and the evaluated declaration.</summary>
internal static class PlanEmitter
{
    public static void Emit(StringBuilder code, ClassOutput owner, ExperimentDeclaration declaration, AssemblyOutput assembly, bool withModel)
    {
        string I(long v) => v.ToString(CultureInfo.InvariantCulture);
        var m = declaration.Value.Model;
        var f = declaration.Facts;
        code.Append($$"""

    /// <summary>Compile-time facts of <see cref="{{declaration.Name}}"/>, computed by the Dsl's own formulas at build time.</summary>
    public static class {{declaration.Name}}Plan
    {
        public const string Name = "{{declaration.Name}}";
        public const string DeclaredIn = "{{owner.Outline.ClassName}}";
        public const string Variant = {{SourceText.Print(m.Variant)}};
        public const int Patch = {{I(m.Patch)}}, Width = {{I(m.Width)}}, Depth = {{I(m.Depth)}}, Mlp = {{I(m.Mlp)}}, Heads = {{I(m.Heads)}};
        public const int Image = {{I(m.Image)}}, Channels = {{I(m.Channels)}}, Classes = {{I(m.Classifier.Classes)}};
        public const string Pool = "{{m.Pool}}";

        /// <summary>The paper's "Mio. Param" convention: stem, position embedding, blocks, final LayerNorm.</summary>
        public const long TrunkParameters = {{I(f.TrunkParameters)}}L;

        /// <summary>Every trainable parameter, heads included.</summary>
        public const long TotalParameters = {{I(f.TotalParameters)}}L;

        /// <summary>Forward-pass GFLOPs per image (2 × multiply-accumulates).</summary>
        public const double ForwardGflops = {{SourceText.Print(f.ForwardGflops)}};

        /// <summary>Tokens the encoder processes per image.</summary>
        public const int TokensPerImage = {{I(f.TokensPerImage)}};

        /// <summary>The declaration as the generator evaluated it.</summary>
        public static global::ViTDsl.Experiment Declaration { get; } =
            {{Layout.Indent(declaration.ValueSource, 12)}};

        /// <summary>Bytes of optimizer state for the declared optimizer (the Dsl's memory formula).</summary>
        public const long OptimizerStateBytes = {{I(f.OptimizerStateBytes)}}L;

        /// <summary>Training memory per device at {{I(f.Memory.BatchPerDevice)}} images per device (the Dsl's TrainingMemory, {{f.Memory.Execution.Label}} execution): float32 weights, the gradients alive at once, optimizer state on big_vision's shapes, activations at the declared precision.</summary>
        public const long WeightBytes = {{I(f.Memory.WeightBytes)}}L, GradientBytes = {{I(f.Memory.GradientBytes)}}L, ActivationBytes = {{I(f.Memory.ActivationBytes)}}L;

        /// <summary>Everything one device holds at once while training.</summary>
        public const long PeakTrainingBytes = {{I(f.Memory.PeakBytes)}}L;

        /// <summary>The declared device ({{declaration.Value.Device.Name}}): its memory (long.MaxValue: not checked) and the largest batch per device that fits it.</summary>
        public const long DeviceMemoryBytes = {{I(f.DeviceMemoryBytes)}}L;
        public const int BatchPerDevice = {{I(f.Memory.BatchPerDevice)}}, LargestBatchPerDevice = {{I(f.LargestBatchPerDevice)}};

        /// <summary>All facts as one value.</summary>
        public static global::ViTDsl.PlanFacts Facts { get; } =
            {{Layout.Indent(SourceText.Pretty(f), 12)}};

""");
        if (withModel) EmitModelMembers(code, declaration, assembly);
        code.AppendLine("    }");
    }

    // What a plan of a declaration with a model adds: its model factories, parameter table, catalog entry and Train.
    private static void EmitModelMembers(StringBuilder code, ExperimentDeclaration declaration, AssemblyOutput assembly)
    {
        var model = assembly.ModelType(declaration.Shape);
        code.Append($$"""

        /// <summary>A new, initialised model of the declared shape (<see cref="{{model}}"/>) with the declared precision.</summary>
        public static {{model}} CreateModel(global::TorchSharp.torch.Device? device = null) => new(device, Declaration.Precision);

        /// <summary>A new, initialised model of the declared shape in <paramref name="precision"/> (a precision resolved at run time).</summary>
        public static {{model}} CreateModel(global::TorchSharp.torch.Device? device, global::ViTDsl.Precision precision) => new(device, precision);

""");
        ParameterTableEmitter.Emit(code, declaration.Value);
        code.Append($$"""

        /// <summary>This experiment as a catalog entry.</summary>
        public static global::ViTDsl.Runtime.Models.GeneratedExperiment Entry { get; } =
            new(Name, DeclaredIn, Declaration, Facts, (device, precision) => new {{model}}(device, precision)) { PlannedParameters = Parameters };

        /// <summary>Trains this experiment (resuming or reusing its run under <paramref name="options"/>'s root) and returns what it measured.</summary>
        public static global::ViTDsl.Runtime.Train.TrainingResult Train(global::ViTDsl.Runtime.Train.TrainingOptions options,
            global::ViTDsl.Runtime.Train.ITrainingObserver? observer = null, global::System.Threading.CancellationToken cancellation = default) =>
            global::ViTDsl.Runtime.Train.Trainer.Run(Entry, options, observer, cancellation);

""");
    }
}

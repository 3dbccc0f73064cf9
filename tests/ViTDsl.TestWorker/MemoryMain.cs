using System.Globalization;
using System.Text.Json;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;
using static TorchSharp.torch;

namespace ViTDsl.TestWorker;

/// <summary>
/// <c>measure-memory --patch P --width D --depth L --mlp M --heads H --image I --channels C --pool token|gap|map
/// --classes K --batch B --optimizer adam|adafactor [--remat none|block] [--precision fp32|bf16]</c>: builds that ViT
/// and its optimizer in this fresh process (eager, rematerialising each encoder block with --remat block), runs two
/// training steps and prints the measured and planned bytes as JSON.
/// </summary>
public static class MemoryMain
{
    public static int Run(Dictionary<string, string> o)
    {
        int I(string name) => int.Parse(o[name], CultureInfo.InvariantCulture);
        set_num_threads(1);
        var model = new Vit(I("patch"), I("width"), I("depth"), I("mlp"), I("heads"))
        {
            Image = I("image"), Channels = I("channels"), Classifier = new Classifier(I("classes")),
            Pool = o["pool"] switch { "token" => new Pool.Token(), "gap" => new Pool.Gap(), _ => new Pool.Map() },
        };
        var experiment = new Experiment(model)
        {
            Data = new Data(new DataSet.FashionMnist()) { Batch = I("batch") },
            Optimizer = o["optimizer"] == "adam" ? new Optimizer.Adam() : new Optimizer.Adafactor(),
            Precision = o.GetValueOrDefault("precision") == "bf16" ? Precision.Bf16 : Precision.Fp32,
            Execution = Execution.Eager with
            {
                Rematerialisation = o.GetValueOrDefault("remat") == "block" ? Rematerialisation.EncoderBlock : Rematerialisation.None,
            },
        };
        manual_seed(0);
        using var module = new AssembledVit(model, precision: experiment.Precision) { Rematerialisation = experiment.ExecutionOf().Rematerialisation };
        var measured = MemoryProbe.MeasureSteps(experiment, module);
        var plan = TrainingMemory.Of(experiment);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            measured.BaselineBytes, measured.PeakBytes, measured.StepBytes,
            plan.WeightBytes, plan.GradientBytes, plan.OptimizerStateBytes, plan.ActivationBytes,
        }));
        return 0;
    }
}

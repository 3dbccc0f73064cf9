using ViTDsl;

namespace ViTDslApp;

/// <summary>Your experiments: each public property becomes a model, a plan with its facts, and a name for `train`.</summary>
[Experiments]
public static partial class MyExperiments
{
    /// <summary>Seconds of training on synthetic 28×28 images: checks that the installation works.</summary>
    public static Experiment Smoke => new(new Vit(Patch: 7, Width: 24, Depth: 2, Mlp: 96, Heads: 2)
    {
        Image = 28, Channels = 1, Classifier = new Classifier(Classes: 10),
    })
    {
        Loss = new Loss.Softmax(),
        Data = new Data(new DataSet.Synthetic(TrainImages: 256, TestImages: 64, Classes: 10)) { Batch = 16, Crop = false },
        LearningRate = 2e-3,
        Schedule = Schedule.Warmup(5) >> Schedule.Rsqrt(timescale: 10) >> Schedule.Cooldown(10),
        Steps = 30,
    };
}

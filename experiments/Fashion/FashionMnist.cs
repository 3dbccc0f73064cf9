namespace ViTDsl.Experiments.Fashion;

/// <summary>
/// Small ViTs for Fashion-MNIST (28×28 grayscale, 10 classes) with the paper's recipe scaled down: MAP head,
/// modified Adafactor, head/body weight decay 3.0/0.03 × lr, warmup → rsqrt → linear cooldown. Softmax loss, as a
/// 10-class single-label problem calls for; no inception crop (a 28-px image has little to crop).
/// </summary>
[Experiments]
public static partial class FashionMnist
{
    /// <summary>The recipe every Fashion-MNIST experiment starts from.</summary>
    public static Experiment Recipe => new(FashionVit("fashion-S", width: 96, depth: 4, heads: 3))
    {
        Loss = new Loss.Softmax(),
        Data = new Data(new DataSet.FashionMnist()) { Batch = 128, Crop = false },
        LearningRate = 2e-3,
        Schedule = Schedule.Warmup(100) >> Schedule.Rsqrt(timescale: 200) >> Schedule.Cooldown(200),
        Steps = 600,
    };

    /// <summary>The newcomer's model: 600 steps of 128 images, a few minutes on two cores.</summary>
    public static Experiment Quickstart => Recipe;

    /// <summary>A seconds-long smoke run on synthetic images (used by the tests and to check an installation).</summary>
    public static Experiment Smoke => Recipe with
    {
        Model = FashionVit("fashion-smoke", width: 24, depth: 2, heads: 2),
        Data = new Data(new DataSet.Synthetic(TrainImages: 256, TestImages: 64, Classes: 10)) { Batch = 16, Crop = false, Seed = 3 },
        Schedule = Schedule.Warmup(5) >> Schedule.Rsqrt(timescale: 10) >> Schedule.Cooldown(10),
        Steps = 30,
        // One evaluation during training (at a tenth of the run) exercises the learning-curve path; the default 12 would
        // add a tenth to the tests' seconds-long runs.
        Evaluations = new Evaluations(Points: 3),
    };

    /// <summary>Upstream of the transfer example: a small ViT trained briefly on Fashion-MNIST (about half a minute).</summary>
    public static Experiment TransferUpstream => Recipe with
    {
        Model = FashionVit("fashion-XS", width: 48, depth: 2, heads: 3),
        Data = Recipe.Data with { Batch = 64 },
        Schedule = Schedule.Warmup(30) >> Schedule.Rsqrt(timescale: 100) >> Schedule.Cooldown(60),
        Steps = 300,
    };

    /// <summary>
    /// Fine-tunes <see cref="TransferUpstream"/> on MNIST digits at a higher resolution, as the paper fine-tunes its
    /// upstream models: 40 px (a 10×10 grid; the position embedding is resampled), a new head, SGD with bf16 momentum,
    /// no weight decay.
    /// </summary>
    public static Experiment DigitsFineTune => TransferUpstream with
    {
        Model = TransferUpstream.Model with { Image = 40 },
        StartFrom = TransferUpstream,
        Data = new Data(new DataSet.MnistDigits()) { Batch = 64, Crop = false, Flip = false },
        Optimizer = new Optimizer.Sgd(),
        LearningRate = 0.03,
        WeightDecay = WeightDecay.None(),
        Schedule = Schedule.Warmup(15) >> Schedule.Cooldown(60),
        Steps = 150,
    };

    /// <summary>A seconds-long fine-tune of <see cref="Smoke"/> at 32 px (an 8×8 grid instead of 7×7), for the tests.</summary>
    public static Experiment SmokeFineTune => Smoke with
    {
        Model = Smoke.Model with { Image = 32, Classifier = new Classifier(7) },
        StartFrom = Smoke,
        Data = Smoke.Data with { Set = new DataSet.Synthetic(TrainImages: 128, TestImages: 32, Classes: 7) { Seed = 1 } },
        Optimizer = new Optimizer.Sgd(),
        LearningRate = 0.03,
        WeightDecay = WeightDecay.None(),
        Schedule = Schedule.Warmup(2) >> Schedule.Cooldown(4),
        Steps = 10,
    };

    /// <summary>
    /// A seconds-long transfer upstream for the tests: a small ViT with 7×7 patches (16 tokens) trained 100 steps of 128
    /// images on Fashion-MNIST; its final evaluation probes the default few-shot targets (Fashion-MNIST and MNIST digits).
    /// </summary>
    public static Experiment TransferSmoke => Recipe with
    {
        Model = FashionVit("fashion-transfer-smoke", width: 32, depth: 2, heads: 2) with { Patch = 7 },
        Data = Recipe.Data with { Batch = 128 },
        Schedule = Schedule.Warmup(10) >> Schedule.Rsqrt(timescale: 100) >> Schedule.Cooldown(30),
        Steps = 100,
    };

    /// <summary>
    /// Fine-tunes <see cref="TransferSmoke"/> on MNIST digits at 42 px (a 6×6 grid instead of 4×4; the position
    /// embedding is resampled), SGD with bf16 momentum: the paper's fine-tuning at a higher resolution, in seconds.
    /// </summary>
    public static Experiment TransferSmokeFineTune => TransferSmoke with
    {
        Model = TransferSmoke.Model with { Image = 42 },
        StartFrom = TransferSmoke,
        Data = new Data(new DataSet.MnistDigits()) { Batch = 64, Crop = false, Flip = false },
        Optimizer = new Optimizer.Sgd(),
        LearningRate = 0.03,
        WeightDecay = WeightDecay.None(),
        Schedule = Schedule.Warmup(6) >> Schedule.Cooldown(24),
        Steps = 60,
    };

    /// <summary>A Fashion-MNIST ViT: patch 4 (7×7 = 49 tokens), MLP 4× width.</summary>
    public static Vit FashionVit(string variant, int width, int depth, int heads) =>
        new Vit(Patch: 4, Width: width, Depth: depth, Mlp: 4 * width, Heads: heads)
        {
            Variant = variant, Image = 28, Channels = 1, Classifier = new Classifier(10),
        };
}

namespace ViTDsl.Runtime.Probe;

/// <summary>A training recipe of the paper's memory study: what it changes about a shape's experiment.</summary>
internal sealed record MemoryRecipe(string Name, Func<Experiment, Experiment> Apply)
{
    /// <summary>
    /// The paper's three recipes, each adding to the one before (§3.2, §3.4, its shape-study figure): the original
    /// ViT (class token, float32 Adam); + the memory savings (MAP head instead of the class token, Adam with a
    /// bfloat16 first moment); + the modified Adafactor.
    /// </summary>
    public static IReadOnlyList<MemoryRecipe> Paper { get; } =
    [
        new("original ViT (class token, fp32 Adam)", e => e with { Model = e.Model with { Pool = new Pool.Token() }, Optimizer = new Optimizer.Adam() }),
        new("+ memory savings (MAP head, bf16 Adam momentum)", e => e with { Model = e.Model with { Pool = new Pool.Map() }, Optimizer = new Optimizer.Adam { FirstMoment = StateDtype.Bf16 } }),
        new("+ modified Adafactor", e => e with { Model = e.Model with { Pool = new Pool.Map() }, Optimizer = new Optimizer.Adafactor() }),
    ];
}

/// <summary>One shape of the grid: the first recipe (index into the recipes) under which it fits, or −1, and its speed.</summary>
internal sealed record FitCell(int Depth, int Width, int FirstFittingRecipe, double ImagesPerSecond);

/// <summary>
/// The paper's shape study on one device (its appendix figure): a depth × width grid of ViTs at one patch size (MLP
/// 4 × width, head width 64), each marked with the first recipe under which training fits the device at a batch per
/// device, in the device's execution (<see cref="TrainingMemory"/>), and its estimated training images/s (peak
/// FLOP/s over training FLOPs per image, rematerialisation included).
/// </summary>
internal sealed record FitStudy(Accelerator Device, int Patch, int Image, int BatchPerDevice, int Classes, IReadOnlyList<int> Depths, IReadOnlyList<int> Widths, IReadOnlyList<FitCell> Cells)
{
    public static IReadOnlyList<int> DefaultDepths { get; } = [4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];
    public static IReadOnlyList<int> DefaultWidths { get; } = [256, 384, 512, 768, 1024, 1280, 1408, 1664, 2048];

    /// <summary>The same study on the same device keeping every activation (its execution without rematerialisation).</summary>
    public FitStudy KeepingActivations() => Of(Device with { Execution = Device.Execution with { Rematerialisation = Rematerialisation.None } },
        Patch, Image, BatchPerDevice, Classes, Depths, Widths);

    /// <summary>The study's shape: MLP 4 × width, one head per 64 channels.</summary>
    public static Vit Shape(int patch, int image, int depth, int width, int classes) =>
        new(Patch: patch, Width: width, Depth: depth, Mlp: 4 * width, Heads: Math.Max(1, width / 64)) { Image = image, Classifier = new Classifier(classes) };

    public static FitStudy Of(Accelerator device, int patch = 14, int image = 224, int batchPerDevice = 32, int classes = 29_593,
        IReadOnlyList<int>? depths = null, IReadOnlyList<int>? widths = null)
    {
        depths ??= DefaultDepths;
        widths ??= DefaultWidths;
        var cells = (from depth in depths from width in widths
                     select Cell(device, Shape(patch, image, depth, width, classes), batchPerDevice)).ToList();
        return new(device, patch, image, batchPerDevice, classes, depths, widths, cells);
    }

    /// <summary>The first recipe under which <paramref name="model"/> trains <paramref name="batch"/> images on <paramref name="device"/>.</summary>
    public static int FirstFittingRecipe(Accelerator device, Vit model, int batch)
    {
        var baseline = Experiment(device, model, batch);
        for (var i = 0; i < MemoryRecipe.Paper.Count; i++)
            if (TrainingMemory.Of(MemoryRecipe.Paper[i].Apply(baseline)).PeakBytes <= device.MemoryBytes) return i;
        return -1;
    }

    /// <summary>
    /// The deepest model of width <paramref name="width"/> that fits under each recipe (0: none), searched up to
    /// <paramref name="maxDepth"/> blocks (memory grows with depth, so bisection finds it).
    /// </summary>
    public int[] DeepestFitting(int width, int maxDepth = 4096)
    {
        var deepest = new int[MemoryRecipe.Paper.Count];
        for (var r = 0; r < deepest.Length; r++)
        {
            bool Fits(int depth) => TrainingMemory.Of(MemoryRecipe.Paper[r].Apply(Experiment(Device, Shape(Patch, Image, depth, width, Classes), BatchPerDevice))).PeakBytes <= Device.MemoryBytes;
            int low = 0, high = maxDepth + 1;
            while (high - low > 1)
            {
                var mid = (low + high) / 2;
                if (Fits(mid)) low = mid; else high = mid;
            }
            deepest[r] = low;
        }
        return deepest;
    }

    private static FitCell Cell(Accelerator device, Vit model, int batch)
    {
        var execution = Experiment(device, model, batch).ExecutionOf();
        var flops = FlopCount.TrainingGflopsPerImage(model) * 1e9 * execution.TrainingFlopsFactor;
        return new(model.Depth, model.Width, FirstFittingRecipe(device, model, batch), device.SustainedFlopsPerSecond / flops);
    }

    private static Experiment Experiment(Accelerator device, Vit model, int batch) => new(model)
    {
        Device = device,
        Data = new ViTDsl.Data(new DataSet.FashionMnist()) { Batch = batch },
    };
}

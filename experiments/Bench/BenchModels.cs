using ViTDsl.Cli;
namespace ViTDsl.Experiments.Bench;

/// <summary>Two model sizes for the training benchmark: 28×28 grayscale inputs, patch 4 (49 tokens), MAP head.</summary>
[Experiments]
public static partial class BenchModels
{
    public static Experiment BenchSmall => new(new Vit(Patch: 4, Width: 192, Depth: 6, Mlp: 768, Heads: 3)
    {
        Variant = "bench-small", Image = 28, Channels = 1, Classifier = new Classifier(10),
    });

    public static Experiment BenchMedium => new(new Vit(Patch: 4, Width: 384, Depth: 12, Mlp: 1536, Heads: 6)
    {
        Variant = "bench-medium", Image = 28, Channels = 1, Classifier = new Classifier(10),
    });
}

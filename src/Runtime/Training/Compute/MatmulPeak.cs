using System.Diagnostics;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Compute;

/// <summary>
/// The matrix-product peak that training throughput is a share of, measured the way training uses the machine: over
/// products of the sizes the models multiply (and squares up to 1024²), each warmed up and timed several times, keeping
/// the best; each time is the smaller of its wall time and its processor time, so other work on a busy machine does
/// not lower it. It is measured on one thread, where processor time is exact (a product on several threads may leave
/// some idle, which processor time per thread cannot see), and scaled by the threads of each trainer and the
/// trainers running at once (a sweep's workers, one thread each by default): perfect scaling, so it bounds what
/// they can reach. Training runs the same products plus everything else, so no run reports more than 100% of it.
/// </summary>
/// <param name="Precision">The products' number type.</param>
/// <param name="Gflops">The machine's peak: <paramref name="Trainers"/> × <paramref name="Threads"/> × the best rate of one thread.</param>
/// <param name="Threads">Threads of one trainer (what the products ran with).</param>
/// <param name="Trainers">Trainers running at once (a sweep's workers; 1 for one run).</param>
/// <param name="Method">How it was measured, in words.</param>
internal sealed record MatmulPeak(Precision Precision, double Gflops, int Threads, int Trainers, string Method)
{
    /// <summary>Square sizes measured besides the models' own products.</summary>
    public static IReadOnlyList<int> Squares { get; } = [256, 512, 1024];

    /// <summary>
    /// The (rows, inputs, outputs) products of a training step of <paramref name="model"/> at <paramref name="batch"/>
    /// images: the encoder's q/k/v and output projections and MLP, and the stem.
    /// </summary>
    public static IEnumerable<(int Rows, int Inputs, int Outputs)> ProductsOf(Vit model, int batch)
    {
        int rows = batch * model.Patches, d = model.Width;
        yield return (rows, d, 3 * d);
        yield return (rows, d, d);
        yield return (rows, d, model.Mlp);
        yield return (rows, model.Mlp, d);
        yield return (rows, model.Patch * model.Patch * model.Channels, d);
    }

    /// <summary>
    /// Measures the peak of <paramref name="precision"/> for <paramref name="trainers"/> trainers of <paramref name="threads"/>
    /// threads each (torch's thread count is left at <paramref name="threads"/>), over <see cref="Squares"/> and <paramref name="products"/>.
    /// </summary>
    public static MatmulPeak Measure(Precision precision, int threads, int trainers, IEnumerable<(int Rows, int Inputs, int Outputs)> products, int repeats = 5)
    {
        var dtype = precision == Precision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        var shapes = Squares.Select(n => (Rows: n, Inputs: n, Outputs: n)).Concat(products).Distinct().ToList();
        set_num_threads(1);
        try
        {
            var best = shapes.Max(s => BestGflops(dtype, s.Rows, s.Inputs, s.Outputs, threads: 1, repeats));
            var method = $"{trainers} trainer(s) × {threads} thread(s) × the best of {repeats} timed products on one thread (after 2 warm-ups) " +
                         $"over {shapes.Count} sizes (squares {string.Join(", ", Squares.Select(n => $"{n}²"))} and the models' products)";
            return new MatmulPeak(precision, trainers * threads * best, threads, trainers, method);
        }
        finally { set_num_threads(threads); }
    }

    /// <summary>Best GFLOP/s of x (rows × inputs) · Wᵀ (inputs → outputs) over <paramref name="repeats"/> timings.</summary>
    public static double BestGflops(ScalarType dtype, int rows, int inputs, int outputs, int threads, int repeats)
    {
        using var scope = NewDisposeScope();
        var x = randn(rows, inputs).to(dtype);
        var w = randn(outputs, inputs).to(dtype);
        void Product() => nn.functional.linear(x, w).Dispose();
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 2; i++) Product();
        // Each timing repeats the product for about 20 ms, well above the clocks' resolution.
        int times = (int)Math.Clamp(Math.Ceiling(0.02 / Math.Max(warm.Elapsed.TotalSeconds / 2, 1e-6)), 1, 1000);
        var seconds = double.PositiveInfinity;
        for (int i = 0; i < Math.Max(1, repeats); i++)
            seconds = Math.Min(seconds, ProcessorTime.IdleSeconds(() => { for (int k = 0; k < times; k++) Product(); }, threads) / times);
        return 2.0 * rows * inputs * outputs / Math.Max(seconds, 1e-9) / 1e9;
    }
}

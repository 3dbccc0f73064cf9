using System.Diagnostics;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Compute;

/// <summary>
/// Measured matrix-product throughput of this machine in one number type: the "peak" that training throughput is
/// compared with, and the rate that sweep estimates divide compute by. Measured, not assumed: the same CPU family
/// ships with and without bf16 instructions, and libtorch runs bf16 on a slow path where they are missing.
/// </summary>
internal static class MatmulRate
{
    /// <summary>GFLOP/s of an n×n by n×n product (2n³ FLOPs), median of <paramref name="repeats"/> after a warm-up.</summary>
    public static double SquareGflops(ScalarType dtype, int size = 2048, int repeats = 5)
    {
        using var scope = NewDisposeScope();
        var a = randn(size, size).to(dtype);
        var b = randn(size, size).to(dtype);
        return 2.0 * size * size * size / MedianSeconds(() => a.matmul(b), repeats) / 1e9;
    }

    private static double MedianSeconds(Func<Tensor> product, int repeats)
    {
        product().Dispose(); // warm-up: kernels chosen, memory mapped
        var times = new double[Math.Max(1, repeats)];
        for (int i = 0; i < times.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            product().Dispose();
            times[i] = watch.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times.Length % 2 == 1 ? times[times.Length / 2] : (times[times.Length / 2 - 1] + times[times.Length / 2]) / 2;
    }
}

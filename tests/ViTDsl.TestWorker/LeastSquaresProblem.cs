namespace ViTDsl.TestWorker;

/// <summary>
/// A seeded least-squares problem y = X·w* + noise, generated without TorchSharp so that a test can rebuild the same
/// numbers and run its own gradient descent as an independent oracle.
/// </summary>
public sealed record LeastSquaresProblem(int Rows, int Cols, double[] X, double[] Y)
{
    public static LeastSquaresProblem Generate(int seed, int rows, int cols)
    {
        var state = (ulong)seed * 0x9E3779B97F4A7C15UL + 1;
        double Next() // SplitMix64 → uniform in [-1, 1)
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (2.0 / (1UL << 53)) - 1.0;
        }
        var x = new double[rows * cols];
        for (var i = 0; i < x.Length; i++) x[i] = Next();
        var wTrue = new double[cols];
        for (var j = 0; j < cols; j++) wTrue[j] = Next();
        var y = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var dot = 0.0;
            for (var j = 0; j < cols; j++) dot += x[i * cols + j] * wTrue[j];
            y[i] = dot + 0.1 * Next();
        }
        return new LeastSquaresProblem(rows, cols, x, y);
    }
}

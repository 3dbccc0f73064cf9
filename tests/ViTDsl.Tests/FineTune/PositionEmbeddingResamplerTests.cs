using ViTDsl.Runtime.Layers;
using static TorchSharp.torch;

namespace ViTDsl.Tests.FineTune;

// Oracle: bilinear interpolation with corners kept at the corners reproduces any function that is linear in the
// grid coordinates exactly, so an embedding whose every channel is a·i + b·j + c must resample to the same plane
// evaluated at the new grid's coordinates, i′·(g − 1)/(g′ − 1).
public class PositionEmbeddingResamplerTests
{
    [Theory]
    [InlineData(7, 14, false)]
    [InlineData(7, 10, true)]
    [InlineData(14, 7, false)]
    public void A_plane_over_the_grid_resamples_to_the_same_plane(int grid, int newGrid, bool classToken)
    {
        const int width = 3;
        double[] a = [0.5, -1, 2], b = [1.5, 0.25, -3], c = [0, 1, -2];
        var position = Plane(grid, grid - 1, a, b, c, classToken);
        using var resampled = PositionEmbeddingResampler.Resample(position, newGrid, classToken);
        var expected = Plane(newGrid, newGrid - 1, a, b, c, classToken, scale: (grid - 1.0) / (newGrid - 1.0));
        Assert.Equal([1L, newGrid * newGrid + (classToken ? 1 : 0), width], resampled.shape);
        Assert.True(allclose(resampled, expected, rtol: 1e-5, atol: 1e-5), $"max difference {(resampled - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Up_and_back_down_returns_the_grid_within_interpolation_error_and_keeps_the_class_row()
    {
        manual_seed(11);
        // A smooth random field (low frequencies only), as learned position embeddings are.
        var i = arange(7, dtype: float32).reshape(7, 1, 1);
        var j = arange(7, dtype: float32).reshape(1, 7, 1);
        var field = (sin(i * 0.4 + randn(1, 1, 16)) * cos(j * 0.3 + randn(1, 1, 16))).reshape(1, 49, 16);
        var cls = randn(1, 1, 16);
        var position = cat([cls, field], 1);
        using var up = PositionEmbeddingResampler.Resample(position, 14, classToken: true);
        using var back = PositionEmbeddingResampler.Resample(up, 7, classToken: true);
        Assert.True(up.narrow(1, 0, 1).eq(cls).all().item<bool>(), "the class token's row changed");
        Assert.True(back.narrow(1, 0, 1).eq(cls).all().item<bool>());
        var error = (back.narrow(1, 1, 49) - field).abs().max().item<float>();
        Assert.True(error < 0.05, $"round trip error {error}");
    }

    [Fact]
    public void A_row_count_that_is_not_a_square_grid_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => PositionEmbeddingResampler.Resample(zeros(1, 50, 4), 10, classToken: false));
        Assert.Contains("not a square grid", e.Message);
    }

    private static Tensor Plane(int grid, int last, double[] a, double[] b, double[] c, bool classToken, double scale = 1)
    {
        var values = new float[grid * grid * a.Length];
        for (int y = 0; y < grid; y++)
        for (int x = 0; x < grid; x++)
        for (int d = 0; d < a.Length; d++)
            values[(y * grid + x) * a.Length + d] = (float)(a[d] * y * scale + b[d] * x * scale + c[d]);
        var plane = tensor(values).reshape(1, grid * grid, a.Length);
        return classToken ? cat([full(1, 1, a.Length, 42f), plane], 1) : plane;
    }
}

using static TorchSharp.torch;

namespace ViTDsl.Tests;

// Guards the build-time native-library fix: on Debian 12 TorchSharp cannot load without it.
public class TorchSharpLoadsTests
{
    [Fact]
    public void A_matrix_product_runs_on_the_cpu()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var product = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }
}

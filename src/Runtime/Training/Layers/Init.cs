using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>Layer factories with big_vision's initialisers, so every layer starts the same way.</summary>
internal static class Init
{
    /// <summary>LayerNorm with eps 1e-6 (big_vision), not torch's 1e-5.</summary>
    public static LayerNorm Norm(int width, Device? device) => nn.LayerNorm(width, eps: 1e-6, device: device);

    /// <summary>Dense layer with a Xavier-uniform kernel and a zero bias.</summary>
    public static Linear Dense(int inputs, int outputs, Device? device)
    {
        var dense = nn.Linear(inputs, outputs, hasBias: true, device: device);
        using (no_grad())
        {
            nn.init.xavier_uniform_(dense.weight);
            dense.bias!.zero_();
        }
        return dense;
    }

    /// <summary>
    /// Dense layer of an MLP block: Xavier-uniform kernel and a bias drawn from N(0, 1e-6²), as big_vision's
    /// <c>MlpBlock</c> (a tiny random bias, not zero).
    /// </summary>
    public static Linear MlpDense(int inputs, int outputs, Device? device)
    {
        var dense = Dense(inputs, outputs, device);
        using (no_grad()) nn.init.normal_(dense.bias!, mean: 0, std: 1e-6);
        return dense;
    }

    /// <summary>
    /// The patch embedding's convolution: jax's lecun_normal kernel — a normal truncated at ±2σ′ whose σ′ is
    /// scaled so the truncated draw has std 1/√fan_in, fan_in = p·p·C — and a zero bias (big_vision's stem), not
    /// torch's Kaiming-uniform default with a random bias.
    /// </summary>
    public static Conv2d PatchConvolution(int channels, int width, int patch, Device? device)
    {
        var conv = nn.Conv2d(channels, width, kernel_size: patch, stride: patch, device: device);
        double std = Math.Sqrt(1.0 / (patch * patch * channels)) / TruncatedNormalStd;
        using (no_grad())
        {
            // Inverse-CDF sampling: u uniform on (erf(−√2), erf(√2)) = the image of [−2, 2] under 2Φ − 1, then
            // √2·erfinv(u) is a standard normal truncated at ±2. (TorchSharp 0.107's trunc_normal_ returned
            // near-zero values here: measured std 4e-9 for a requested 0.04.)
            using Scalar scale = Math.Sqrt(2) * std, low = -2 * std, high = 2 * std; // owned: see Scalars
            conv.weight!.uniform_(-ErfOfSqrt2, ErfOfSqrt2).erfinv_().mul_(scale).clamp_(low, high);
            conv.bias!.zero_();
        }
        return conv;
    }

    private const double ErfOfSqrt2 = 0.95449973610364158;

    /// <summary>Std of a standard normal truncated to [−2, 2] (jax's variance_scaling divides by it).</summary>
    public const double TruncatedNormalStd = 0.87962566103423978;

    /// <summary>
    /// The MAP head's probe [1, 1, D]: Xavier-uniform with jax's fans for that shape (fan_in 1, fan_out D, so the
    /// bound is √(6/(1 + D))), not torch's fans (D and D: bound √(3/D), about 0.71× as wide).
    /// </summary>
    public static Parameter MapProbe(int width, Device? device)
    {
        var probe = new Parameter(empty(1, 1, width, device: device));
        double bound = Math.Sqrt(6.0 / (1 + width));
        using (no_grad()) nn.init.uniform_(probe, -bound, bound);
        return probe;
    }

    /// <summary>Learned position embedding [1, T, D], normal with std 1/√D (big_vision).</summary>
    public static Parameter PositionEmbedding(int tokens, int width, Device? device)
    {
        var position = new Parameter(empty(1, tokens, width, device: device));
        using (no_grad()) nn.init.normal_(position, std: 1 / Math.Sqrt(width));
        return position;
    }

    /// <summary>A learned [class] token [1, 1, D], zero-initialised (big_vision).</summary>
    public static Parameter ClassToken(int width, Device? device) => new(zeros(1, 1, width, device: device));

    /// <summary>The classifier: zero kernel (paper) or Xavier, and a constant bias (−10 for sigmoid loss).</summary>
    public static Linear Classifier(int inputs, int classes, bool zeroKernel, double biasInit, Device? device)
    {
        var head = Dense(inputs, classes, device);
        using (no_grad())
        {
            if (zeroKernel) head.weight!.zero_();
            using Scalar bias = biasInit; // owned: see Scalars
            head.bias!.fill_(bias);
        }
        return head;
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>Layer factories with big_vision's initialisers, so every layer starts the same way.</summary>
public static class Init
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

using ViTDsl.Cli;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Experiments.Bench;

/// <summary>
/// The baseline for the training benchmark: a ViT with the same shape and MAP head written directly in TorchSharp,
/// the way a researcher would without ViTDsl (fused QKV projection, attention as explicit matmul + softmax; the same
/// tanh-approximate GELU, so only the implementation differs). In bf16 it does by hand what big_vision's dtype_mm does:
/// the stem, each encoder product's input and weights cast to bfloat16 and the residual stream in bfloat16 (LayerNorm
/// statistics and the softmax in float32); the final LayerNorm's output, the MAP head and the classifier in float32.
/// </summary>
public sealed class HandWrittenVit : nn.Module<Tensor, Tensor>
{
    // Every Scalar passed to TorchSharp is owned: one made on the fly may be freed while libtorch reads it.
    private static readonly Scalar One = 1.ToScalar();
    private readonly Conv2d stem;
    private readonly Parameter position, probe;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm norm, headNorm;
    private readonly Linear headQuery, headKeyValue, headOutput, headUp, headDown, classifier;
    private readonly int heads;
    private readonly ScalarType dtype;
    private readonly long patch;

    public HandWrittenVit(Vit shape, ScalarType dtype = ScalarType.Float32) : base(nameof(HandWrittenVit))
    {
        int d = shape.Width;
        heads = shape.Heads;
        this.dtype = dtype;
        patch = shape.Patch;
        stem = nn.Conv2d(shape.Channels, d, shape.Patch, stride: shape.Patch);
        using var positionScale = (1 / Math.Sqrt(d)).ToScalar();
        position = new Parameter(randn(1, shape.Patches, d).mul(positionScale));
        blocks = new ModuleList<Block>(Enumerable.Range(0, shape.Depth).Select(_ => new Block(d, shape.Mlp, shape.Heads, dtype)).ToArray());
        norm = nn.LayerNorm(d, 1e-6);
        using var probeScale = 0.02.ToScalar();
        probe = new Parameter(randn(1, 1, d).mul(probeScale));
        headQuery = nn.Linear(d, d);
        headKeyValue = nn.Linear(d, 2 * d);
        headOutput = nn.Linear(d, d);
        headNorm = nn.LayerNorm(d, 1e-6);
        headUp = nn.Linear(d, shape.Mlp);
        headDown = nn.Linear(shape.Mlp, d);
        classifier = nn.Linear(d, shape.Classifier.Classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var patches = nn.functional.conv2d(images.to(dtype), stem.weight!.to(dtype), stem.bias!.to(dtype), strides: [patch, patch]);
        var x = patches.flatten(2).transpose(1, 2).add(position.to(dtype), One);
        foreach (var block in blocks) x = block.forward(x);
        x = norm.forward(x.to(ScalarType.Float32));
        var kv = headKeyValue.forward(x).chunk(2, -1);
        var q = headQuery.forward(probe.expand(x.shape[0], -1, -1));
        var pooled = headOutput.forward(Block.Attend(q, kv[0], kv[1], heads));
        pooled = pooled.add(headDown.forward(nn.functional.gelu(headUp.forward(headNorm.forward(pooled)), GELU.Approximate.tanh)), One);
        return classifier.forward(pooled.select(1, 0)).MoveToOuterDisposeScope();
    }

    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly LayerNorm norm1, norm2;
        private readonly Linear qkv, projection, up, down;
        private readonly int heads;
        private readonly ScalarType dtype;

        public Block(int d, int mlp, int heads, ScalarType dtype) : base(nameof(Block))
        {
            this.heads = heads;
            this.dtype = dtype;
            norm1 = nn.LayerNorm(d, 1e-6);
            qkv = nn.Linear(d, 3 * d);
            projection = nn.Linear(d, d);
            norm2 = nn.LayerNorm(d, 1e-6);
            up = nn.Linear(d, mlp);
            down = nn.Linear(mlp, d);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var parts = Dense(qkv, norm1.forward(x), dtype).chunk(3, -1);
            x = x.add(Dense(projection, Attend(parts[0], parts[1], parts[2], heads), dtype), One);
            return x.add(Dense(down, nn.functional.gelu(Dense(up, norm2.forward(x), dtype), GELU.Approximate.tanh), dtype), One);
        }

        public static Tensor Dense(Linear layer, Tensor x, ScalarType dtype) =>
            dtype == ScalarType.Float32 ? layer.forward(x) : nn.functional.linear(x.to(dtype), layer.weight!.to(dtype), layer.bias!.to(dtype));

        public static Tensor Attend(Tensor q, Tensor k, Tensor v, int heads)
        {
            Tensor Split(Tensor t) => t.view(t.shape[0], t.shape[1], heads, -1).transpose(1, 2);
            var (qh, kh, vh) = (Split(q), Split(k), Split(v));
            // Scores in the products' type, softmax in float32, weights back to the products' type for the mix.
            using var scale = Math.Sqrt(qh.shape[^1]).ToScalar();
            var scores = qh.matmul(kh.transpose(-2, -1)).div(scale);
            var weights = scores.to(ScalarType.Float32).softmax(-1).to(qh.dtype);
            var mixed = weights.matmul(vh).transpose(1, 2);
            return mixed.reshape(mixed.shape[0], mixed.shape[1], -1);
        }
    }
}

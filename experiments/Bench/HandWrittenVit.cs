using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ViTDsl.Experiments.Bench;

/// <summary>
/// The baseline for the training benchmark: a ViT with the same shape and MAP head written directly in TorchSharp,
/// the way a researcher would without ViTDsl (fused QKV projection, attention as explicit matmul + softmax; the same
/// tanh-approximate GELU, so only the implementation differs).
/// </summary>
public sealed class HandWrittenVit : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem;
    private readonly Parameter position, probe;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm norm, headNorm;
    private readonly Linear headQuery, headKeyValue, headOutput, headUp, headDown, classifier;
    private readonly int heads;

    public HandWrittenVit(Vit shape) : base(nameof(HandWrittenVit))
    {
        int d = shape.Width;
        heads = shape.Heads;
        stem = nn.Conv2d(shape.Channels, d, shape.Patch, stride: shape.Patch);
        position = new Parameter(randn(1, shape.Patches, d) * (1 / Math.Sqrt(d)));
        blocks = new ModuleList<Block>(Enumerable.Range(0, shape.Depth).Select(_ => new Block(d, shape.Mlp, shape.Heads)).ToArray());
        norm = nn.LayerNorm(d, 1e-6);
        probe = new Parameter(randn(1, 1, d) * 0.02);
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
        var x = stem.forward(images).flatten(2).transpose(1, 2) + position;
        foreach (var block in blocks) x = block.forward(x);
        x = norm.forward(x);
        var kv = headKeyValue.forward(x).chunk(2, -1);
        var q = headQuery.forward(probe.expand(x.shape[0], -1, -1));
        var pooled = headOutput.forward(Block.Attend(q, kv[0], kv[1], heads));
        pooled = pooled + headDown.forward(nn.functional.gelu(headUp.forward(headNorm.forward(pooled)), GELU.Approximate.tanh));
        return classifier.forward(pooled.select(1, 0)).MoveToOuterDisposeScope();
    }

    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly LayerNorm norm1, norm2;
        private readonly Linear qkv, projection, up, down;
        private readonly int heads;

        public Block(int d, int mlp, int heads) : base(nameof(Block))
        {
            this.heads = heads;
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
            var parts = qkv.forward(norm1.forward(x)).chunk(3, -1);
            x = x + projection.forward(Attend(parts[0], parts[1], parts[2], heads));
            return x + down.forward(nn.functional.gelu(up.forward(norm2.forward(x)), GELU.Approximate.tanh));
        }

        public static Tensor Attend(Tensor q, Tensor k, Tensor v, int heads)
        {
            Tensor Split(Tensor t) => t.view(t.shape[0], t.shape[1], heads, -1).transpose(1, 2);
            var (qh, kh, vh) = (Split(q), Split(k), Split(v));
            var weights = qh.matmul(kh.transpose(-2, -1)).div(Math.Sqrt(qh.shape[^1])).softmax(-1);
            var mixed = weights.matmul(vh).transpose(1, 2);
            return mixed.reshape(mixed.shape[0], mixed.shape[1], -1);
        }
    }
}

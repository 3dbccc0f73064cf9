using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Train;

// Oracle: the plain step of the same model on the same batch. Rematerialising each encoder block recomputes the same
// operations on the same values, so its loss, gradients and updated weights must equal the plain step's bit for bit.
[Collection(SerialCollection.Name)] // torch's global generator seeds the models
public class RematerialisationTests
{
    public static TheoryData<string> Pools => new() { "token", "gap", "map" };

    [Theory]
    [MemberData(nameof(Pools))]
    public void Rematerialised_blocks_give_the_plain_steps_gradients_bit_for_bit(string pool)
    {
        var shape = new Vit(Patch: 4, Width: 32, Depth: 3, Mlp: 64, Heads: 2)
        {
            Image = 16, Channels = 3, Classifier = new Classifier(7),
            Pool = pool switch { "token" => new Pool.Token(), "gap" => new Pool.Gap(), _ => new Pool.Map() },
        };
        var experiment = new Experiment(shape) { Data = new ViTDsl.Data(new DataSet.FashionMnist()) { Batch = 5 } };
        var plain = Steps(experiment, Rematerialisation.None);
        var remat = Steps(experiment, Rematerialisation.EncoderBlock);
        Assert.Equal(plain.Keys, remat.Keys);
        Assert.Contains(plain.Keys, k => k.StartsWith("blocks.2.", StringComparison.Ordinal));
        foreach (var name in plain.Keys)
            Assert.True(plain[name].SequenceEqual(remat[name]), $"{name} differs after rematerialised steps");
    }

    [Fact]
    public void Without_autograd_a_rematerialised_model_computes_the_same_outputs()
    {
        manual_seed(1);
        using var model = new AssembledVit(new Vit(Patch: 4, Width: 16, Depth: 2, Mlp: 32, Heads: 2) { Image = 8, Channels = 1 });
        var images = randn(3, 1, 8, 8);
        using var _ = no_grad();
        var plain = model.forward(images);
        model.Rematerialisation = Rematerialisation.EncoderBlock;
        Assert.True(plain.eq(model.forward(images)).all().item<bool>());
    }

    [Fact]
    public void A_rematerialised_block_runs_its_forward_once_more_in_the_backward_pass_and_no_more()
    {
        // The cost the probe's time ratio measures, counted instead of timed: one extra forward per block and step.
        manual_seed(3);
        using var block = new CountingBlock(8);
        foreach (var (policy, expected) in new[] { (Rematerialisation.None, 1), (Rematerialisation.EncoderBlock, 2) })
        {
            block.Forwards = 0;
            block.zero_grad();
            using var scope = NewDisposeScope();
            var x = randn(4, 8);
            ViTDsl.Runtime.Layers.Rematerialised.Forward(block, x, policy).square().sum().backward();
            Assert.Equal(expected, block.Forwards);
            Assert.NotNull(block.Linear.weight!.grad);
        }
    }

    private sealed class CountingBlock : TorchSharp.torch.nn.Module<Tensor, Tensor>
    {
        public CountingBlock(int width) : base(nameof(CountingBlock))
        {
            Linear = TorchSharp.torch.nn.Linear(width, width);
            RegisterComponents();
        }

        public TorchSharp.Modules.Linear Linear { get; }
        public int Forwards { get; set; }

        public override Tensor forward(Tensor x)
        {
            Forwards++;
            return Linear.forward(x).tanh();
        }
    }

    /// <summary>
    /// Two training steps (Adafactor, clipping, decay) from a seeded model on seeded batches; returns every parameter
    /// and every gradient of the second step as raw floats, keyed by name ("grad:" + name for gradients), plus the losses.
    /// </summary>
    private static Dictionary<string, float[]> Steps(Experiment experiment, Rematerialisation policy)
    {
        manual_seed(7);
        using var model = new AssembledVit(experiment.BuiltModel()) { Rematerialisation = policy };
        using var chain = OptimizerChain.For(experiment, model);
        var result = new Dictionary<string, float[]>();
        var m = experiment.Model;
        for (var step = 0; step < 2; step++)
        {
            using var scope = NewDisposeScope();
            var generator = new TorchSharp.torch.Generator((ulong)(100 + step));
            var images = randn([experiment.Data.Batch, m.Channels, m.Image, m.Image], generator: generator);
            var labels = randint(m.Classifier.Classes, [experiment.Data.Batch], dtype: ScalarType.Int64, generator: generator);
            var loss = ViTDsl.Runtime.Train.Losses.Of(experiment.Loss, model.forward(images), labels);
            chain.ZeroGrad();
            loss.backward();
            result[$"loss{step}"] = [loss.item<float>()];
            if (step == 1)
                foreach (var (name, parameter) in model.named_parameters())
                    result["grad:" + name] = parameter.grad!.data<float>().ToArray();
            chain.Step(1.0);
        }
        foreach (var (name, parameter) in model.named_parameters()) result[name] = parameter.data<float>().ToArray();
        return result;
    }
}

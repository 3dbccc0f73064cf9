using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Optim;

// Saving the optimizer state and loading it into a fresh chain resumes a run bit for bit.
[Collection(SerialCollection.Name)] // torch's global generator seeds the layers
public class CheckpointTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_resumed_run_gives_the_same_weights_as_an_uninterrupted_one(int which)
    {
        Optimizer optimizer = which switch
        {
            0 => new Optimizer.Adafactor(),
            1 => new Optimizer.Adam { FirstMoment = StateDtype.Bf16 },
            _ => new Optimizer.Sgd(),
        };
        var experiment = new Experiment(TinyTask.Model) { Optimizer = optimizer, LearningRate = 3e-3, WeightDecay = new WeightDecay(30, 3) };
        var (images, labels) = TinyTask.Batch(16, seed: 3);
        double[] schedule = [0.2, 0.4, 0.6, 0.8, 1.0];

        void Train(AssembledVit model, OptimizerChain chain, int from, int to)
        {
            for (var k = from; k < to; k++)
            {
                using var scope = NewDisposeScope();
                chain.ZeroGrad();
                TinyTask.Loss(model, images, labels).backward();
                chain.Step(schedule[k]);
            }
        }

        manual_seed(9);
        using var model = new AssembledVit(TinyTask.Model);
        using var chain = OptimizerChain.For(experiment, model);
        Train(model, chain, 0, 3);
        var weights = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        using var state = new MemoryStream();
        chain.Save(new BinaryWriter(state));
        Train(model, chain, 3, 5);

        manual_seed(77); // a different initialisation, overwritten by the checkpoint
        using var resumed = new AssembledVit(TinyTask.Model);
        state.Position = 0;
        resumed.load_state_dict(weights);
        using var resumedChain = OptimizerChain.For(experiment, resumed);
        resumedChain.Load(new BinaryReader(state));
        Assert.Equal(3, resumedChain.StepCount);
        Train(resumed, resumedChain, 3, 5);

        var original = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in resumed.named_parameters())
            Assert.True(parameter.eq(original[name]).all().item<bool>(), $"{name} differs after resuming");
        var a = chain.StateDict();
        var b = resumedChain.StateDict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys) Assert.True(a[key].eq(b[key]).all().item<bool>(), $"state {key} differs after resuming");
    }

    [Fact]
    public void Loading_another_optimizers_state_names_what_does_not_fit()
    {
        using var model = new AssembledVit(TinyTask.Model);
        using var adam = OptimizerChain.For(new Experiment(TinyTask.Model) { Optimizer = new Optimizer.Adam() }, model);
        using var adafactor = OptimizerChain.For(new Experiment(TinyTask.Model), model);
        var error = Assert.Throws<ArgumentException>(() => adafactor.LoadStateDict(adam.StateDict()));
        Assert.Contains("missing", error.Message);
        Assert.Contains(":mu", error.Message);
        Assert.Contains("same model and optimizer", error.Message);

        var state = adam.StateDict();
        state["head.weight:mu"] = zeros(3, 3);
        var shape = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(state));
        Assert.Contains("head.weight:mu", shape.Message);
    }

    [Fact]
    public void Invalid_experiment_settings_are_refused_with_their_ids()
    {
        using var model = new AssembledVit(TinyTask.Model);
        var error = Assert.Throws<ArgumentException>(() =>
            OptimizerChain.For(new Experiment(TinyTask.Model) { LearningRate = 0, Optimizer = new Optimizer.Sgd { Momentum = 1.2 } }, model));
        Assert.Contains("VIT301", error.Message);
        Assert.Contains("VIT306", error.Message);
    }
}

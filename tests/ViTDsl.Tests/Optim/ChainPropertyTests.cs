using TorchSharp;
using TorchSharp.Modules;
using ViTDsl.Runtime.Optim;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Optim;

// Oracles: TorchSharp's built-in Adam, AdamW and SGD; hand-derived values; algebra (rank-1 second moments).
public class ChainPropertyTests
{
    private static ParameterGroups Kernels(params Parameter[] parameters) =>
        new(parameters.Select((p, i) => new NamedParameter($"w{i}", p, ParameterGroup.BodyKernel)));

    private static List<Tensor> Gradients(Generator generator, long[] shape, int steps) =>
        Enumerable.Range(0, steps).Select(k => randn(shape, generator: generator).mul_(0.1 * (k + 1))).ToList();

    [Fact]
    public void For_a_rank_one_squared_gradient_the_factored_second_moment_equals_the_full_one()
    {
        var generator = new Generator(7);
        using var a = randn(64, generator: generator);
        using var b = randn(48, generator: generator);
        using var theta = zeros(64, 48);
        using var factored = new AdafactorRule(new Optimizer.Adafactor { Momentum = null }, theta);
        using var full = new AdafactorRule(new Optimizer.Adafactor { Momentum = null, MinDimToFactor = 1000 }, theta);
        Assert.True(factored.IsFactored);
        Assert.False(full.IsFactored);
        double[] scales = [1, -0.5, 2, 0.3, 5];
        for (var step = 0; step < scales.Length; step++)
        {
            // g = c·a bᵀ, so g² = c²·a² (b²)ᵀ is rank one at every step, and so is its EMA.
            using var g = outer(a, b).mul_(scales[step]);
            using var uFactored = factored.Update(g, step);
            using var uFull = full.Update(g, step);
            Assert.True(allclose(uFactored, uFull, rtol: 1e-4, atol: 1e-6), $"step {step}: max difference {(uFactored - uFull).abs().max().item<float>()}");
        }
        // The property is specific to rank one: a generic gradient gives a visibly different update.
        using var generic = randn([64, 48], generator: generator);
        using var u1 = factored.Update(generic, scales.Length);
        using var u2 = full.Update(generic, scales.Length);
        Assert.False(allclose(u1, u2, rtol: 1e-2, atol: 1e-3));
    }

    [Fact]
    public void With_zero_decay_the_adam_chain_is_torchs_adam()
    {
        var generator = new Generator(11);
        long[] shape = [40, 33];
        using var ours = new Parameter(randn(shape, generator: generator));
        using var theirs = new Parameter(ours.detach().clone());
        var grads = Gradients(generator, shape, 6);
        using var chain = new OptimizerChain(Kernels(ours), new Optimizer.Adam(), 0.01, 0, 0, null);
        using var adam = optim.Adam([theirs], lr: 0.01);
        foreach (var g in grads)
        {
            ours.grad = g;
            theirs.grad = g.clone();
            chain.Step(1.0);
            adam.step();
        }
        Assert.True(allclose(ours, theirs, rtol: 1e-5, atol: 1e-6), $"max difference {(ours - theirs).abs().max().item<float>()}");
    }

    [Fact]
    public void Decoupled_decay_at_a_constant_schedule_is_torchs_adamw_with_decay_body_over_lr()
    {
        // AdamW: θ ← θ(1 − lr·λ) − lr·u; the chain: θ ← θ − (lr·u + wd·θ). Equal when wd = λ·lr (the paper's units).
        var generator = new Generator(12);
        long[] shape = [36, 20];
        using var ours = new Parameter(randn(shape, generator: generator));
        using var theirs = new Parameter(ours.detach().clone());
        var grads = Gradients(generator, shape, 6);
        const double lr = 0.02, lambda = 0.5;
        using var chain = new OptimizerChain(Kernels(ours), new Optimizer.Adam(), lr, headDecay: 0, bodyDecay: lambda * lr, null);
        using var adamw = optim.AdamW([theirs], lr: lr, weight_decay: lambda);
        foreach (var g in grads)
        {
            ours.grad = g;
            theirs.grad = g.clone();
            chain.Step(1.0);
            adamw.step();
        }
        Assert.True(allclose(ours, theirs, rtol: 1e-5, atol: 1e-6), $"max difference {(ours - theirs).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_zero_decay_the_sgd_chain_is_torchs_sgd_with_momentum(bool nesterov)
    {
        var generator = new Generator(13);
        long[] shape = [17, 9];
        using var ours = new Parameter(randn(shape, generator: generator));
        using var theirs = new Parameter(ours.detach().clone());
        var grads = Gradients(generator, shape, 6);
        using var chain = new OptimizerChain(Kernels(ours), new Optimizer.Sgd { MomentumDtype = StateDtype.F32, Nesterov = nesterov }, 0.1, 0, 0, null);
        using var sgd = optim.SGD([theirs], learningRate: 0.1, momentum: 0.9, nesterov: nesterov);
        foreach (var g in grads)
        {
            ours.grad = g;
            theirs.grad = g.clone();
            chain.Step(1.0);
            sgd.step();
        }
        Assert.True(allclose(ours, theirs, rtol: 1e-5, atol: 1e-6), $"max difference {(ours - theirs).abs().max().item<float>()}");
    }

    [Fact]
    public void With_zero_decay_the_adafactor_chain_applies_exactly_minus_schedule_times_lr_times_its_update()
    {
        var generator = new Generator(14);
        long[] shape = [64, 48];
        using var ours = new Parameter(randn(shape, generator: generator));
        using var reference = ours.detach().clone();
        using var rule = new AdafactorRule(new Optimizer.Adafactor(), zeros(shape));
        using var chain = new OptimizerChain(Kernels(ours), new Optimizer.Adafactor(), 0.01, 0, 0, null);
        double[] schedule = [0.1, 0.7, 1.0];
        var grads = Gradients(generator, shape, schedule.Length);
        for (var k = 0; k < schedule.Length; k++)
        {
            ours.grad = grads[k];
            chain.Step(schedule[k]);
            using var u = rule.Update(grads[k], k);
            reference.sub_(u.mul(0.01).mul_(schedule[k]));
        }
        Assert.True(allclose(ours, reference, rtol: 1e-6, atol: 1e-7));
    }

    [Theory]
    [InlineData(1e-3)]
    [InlineData(1.0)]
    public void Decay_follows_the_schedule_and_not_the_learning_rate(double lr)
    {
        // Zero gradients and plain SGD: only decay acts, θ₁ = θ₀(1 − s·wd) whatever the learning rate.
        using var head = new Parameter(full(3, 2, 2.0f));
        using var body = new Parameter(full(4, 5, -1.5f));
        using var bias = new Parameter(full(5, 3.0f));
        var groups = new ParameterGroups([
            new("head.weight", head, ParameterGroup.HeadKernel), new("w", body, ParameterGroup.BodyKernel), new("b", bias, ParameterGroup.NoDecay)]);
        using var chain = new OptimizerChain(groups, new Optimizer.Sgd { Momentum = 0 }, lr, headDecay: 0.1, bodyDecay: 0.02, null);
        chain.Step(0.25);
        Assert.Equal(2.0f * (1 - 0.25f * 0.1f), head.data<float>()[0], 6);
        Assert.Equal(-1.5f * (1 - 0.25f * 0.02f), body.data<float>()[0], 6);
        Assert.Equal(3.0f, bias.data<float>()[0]);
        chain.Step(1.0);
        Assert.Equal(2.0f * (1 - 0.25f * 0.1f) * (1 - 0.1f), head.data<float>()[0], 6);

        // With a gradient: θ₁ = θ₀ − s·(lr·g + wd·θ₀).
        head.grad = full(3, 2, 0.5f);
        var before = head.data<float>()[0];
        chain.Step(0.5);
        Assert.Equal(before - 0.5 * (lr * 0.5 + 0.1 * before), head.data<float>()[0], 5);
    }

    [Fact]
    public void Global_norm_clipping_scales_all_gradients_to_the_threshold()
    {
        using var a = new Parameter(zeros(2));
        using var b = new Parameter(zeros(1));
        var groups = new ParameterGroups([new("a", a, ParameterGroup.NoDecay), new("b", b, ParameterGroup.NoDecay)]);
        using var clipped = new OptimizerChain(groups, new Optimizer.Sgd { Momentum = 0 }, 1.0, 0, 0, gradientClipNorm: 1.0);
        a.grad = tensor(new float[] { 3, 0 });
        b.grad = tensor(new float[] { 4 });
        Assert.Equal(5.0, clipped.Step(1.0), 6);   // the norm before clipping: √(9 + 16)
        Assert.Equal(new[] { -0.6f, 0f }, a.data<float>().ToArray());
        Assert.Equal(-0.8f, b.data<float>()[0], 6);
        Assert.Equal(new[] { 0.6f, 0f }, a.grad!.data<float>().ToArray()); // clipped in place, like torch's clip_grad_norm_

        a.grad = tensor(new float[] { 3, 0 });
        b.grad = tensor(new float[] { 4 });
        using var unclipped = new OptimizerChain(groups, new Optimizer.Sgd { Momentum = 0 }, 1.0, 0, 0, gradientClipNorm: 10.0);
        unclipped.Step(1.0);
        Assert.Equal(new[] { -3.6f, 0f }, a.data<float>().ToArray());
        Assert.Equal(-4.8f, b.data<float>()[0], 6);
    }

    [Fact]
    public void First_adafactor_step_moves_by_a_tenth_of_the_sign_using_the_unrounded_momentum()
    {
        // Step 1: β2 = 0, so v = g² + ε and u = g/|g| = ±1; the momentum EMA from zero gives m = 0.1·u. The update uses
        // m in float32 (0.1f), not its stored bfloat16 copy (0.10009765625).
        using var theta = new Parameter(zeros(48));
        var g = linspace(-2, 3, 48); // no element is zero
        theta.grad = g;
        using var chain = new OptimizerChain(Kernels(theta), new Optimizer.Adafactor(), 0.5, 0, 0, null);
        chain.Step(0.8);
        var moved = theta.data<float>().ToArray();
        var signs = g.sign().data<float>().ToArray();
        for (var i = 0; i < moved.Length; i++) Assert.Equal(-0.8 * 0.5 * 0.1 * signs[i], moved[i], 1e-7);
        var stored = chain.StateDict()["w0:momentum"];
        Assert.Equal(ScalarType.BFloat16, stored.dtype);
        Assert.Equal(0.10009765625, stored.to_type(ScalarType.Float64).abs().max().item<double>());
    }

    [Fact]
    public void First_adam_step_moves_by_the_sign_times_lr()
    {
        // Bias correction makes m̂ = g and v̂ = g², so u = g/(|g| + ε).
        using var theta = new Parameter(zeros(5));
        theta.grad = tensor(new float[] { 0.5f, -2f, 1e-3f, -3e-2f, 4f });
        using var chain = new OptimizerChain(Kernels(theta), new Optimizer.Adam { FirstMoment = StateDtype.Bf16 }, 0.1, 0, 0, null);
        chain.Step(1.0);
        Assert.Equal(new[] { -0.1, 0.1, -0.1, 0.1, -0.1 }, theta.data<float>().ToArray().Select(x => (double)x), new ToleranceComparer(1e-6));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}

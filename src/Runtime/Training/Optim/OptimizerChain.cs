using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Optim;

/// <summary>
/// big_vision's whole update chain (docs/reference.md §4, <c>optax.make</c>): global-norm clipping → optimizer → × base
/// learning rate → + decoupled weight decay (head/body/none) → × schedule value, then θ ← θ + Δ, i.e.
/// θ ← θ − s(t)·(lr·u(g) + wd·θ). The decay is multiplied by the schedule but not by the learning rate again
/// (unlike torch's AdamW). The schedule value s(t) is a dimensionless factor passed to each <see cref="Step"/>.
/// </summary>
internal sealed class OptimizerChain : IDisposable
{
    private readonly IReadOnlyList<NamedParameter> parameters;
    private readonly IReadOnlyList<UpdateRule> rules;
    private readonly IReadOnlyList<double> decays;
    private long step;

    /// <param name="groups">The parameters to update, each with its decay group.</param>
    /// <param name="optimizer">The gradient transformation u(g).</param>
    /// <param name="learningRate">Base learning rate multiplying u.</param>
    /// <param name="headDecay">Absolute decoupled decay of the head kernel (big_vision's wd·mult, e.g. 3.0·lr).</param>
    /// <param name="bodyDecay">Absolute decoupled decay of the other kernels (e.g. 0.03·lr).</param>
    /// <param name="gradientClipNorm">Global-norm clipping threshold, or null.</param>
    public OptimizerChain(ParameterGroups groups, Optimizer optimizer, double learningRate, double headDecay, double bodyDecay, double? gradientClipNorm)
    {
        Optimizer = optimizer;
        LearningRate = learningRate;
        HeadDecay = headDecay;
        BodyDecay = bodyDecay;
        GradientClipNorm = gradientClipNorm;
        parameters = groups.All;
        rules = parameters.Select(p => UpdateRule.For(optimizer, p.Value, p.Layout)).ToList();
        decays = parameters.Select(p => p.Group switch
        {
            ParameterGroup.HeadKernel => headDecay,
            ParameterGroup.BodyKernel => bodyDecay,
            _ => 0.0,
        }).ToList();
    }

    /// <summary>
    /// The chain an experiment declares, over a module's parameters grouped by <see cref="ParameterGroups.Of(TorchSharp.torch.nn.Module, ParameterTable)"/>
    /// with big_vision's layout of the experiment's model;
    /// the decays are the experiment's <see cref="ViTDsl.WeightDecay"/> × its learning rate (the paper's units).
    /// Throws <see cref="ArgumentException"/> listing every problem if the optimizer fields are invalid.
    /// </summary>
    public static OptimizerChain For(Experiment experiment, nn.Module module) => For(experiment, module, ParameterTable.Of(experiment));

    /// <summary>The chain an experiment declares, over a module's parameters grouped and laid out by a plan's table.</summary>
    public static OptimizerChain For(Experiment experiment, nn.Module module, ParameterTable table)
    {
        var problems = OptimizerRules.Check(experiment);
        if (problems.Count > 0)
            throw new ArgumentException("Invalid optimizer settings: " + string.Join(" ", problems.Select(p => $"[{p.Id}] {p.Message}")), nameof(experiment));
        var (lr, wd) = (experiment.LearningRate, experiment.WeightDecay);
        return new(ParameterGroups.Of(module, table), experiment.Optimizer, lr,
            wd.Coefficient(ParameterGroup.HeadKernel, lr), wd.Coefficient(ParameterGroup.BodyKernel, lr), experiment.GradientClipNorm);
    }

    public Optimizer Optimizer { get; }
    public double LearningRate { get; }
    /// <summary>Absolute decay of the head kernel per unit of schedule.</summary>
    public double HeadDecay { get; }

    /// <summary>Absolute decay of the body kernels per unit of schedule.</summary>
    public double BodyDecay { get; }

    /// <summary>Global-norm clipping threshold applied before the optimizer, or null for none.</summary>
    public double? GradientClipNorm { get; }

    /// <summary>Updates applied so far (the 0-based index of the next one; Adafactor's β2 and Adam's bias use it).</summary>
    public long StepCount => step;

    /// <summary>Bytes of every optimizer state tensor held (step counter excluded); equals <see cref="OptimizerMemory"/>.</summary>
    public long StateBytes => rules.Sum(r => r.StateBytes);

    /// <summary>The rule of each parameter, in <see cref="ParameterGroups.All"/> order.</summary>
    public IReadOnlyList<UpdateRule> Rules => rules;

    /// <summary>
    /// Applies one update from the parameters' current gradients (a missing gradient counts as zero). Clipping
    /// rescales the gradients in place, as torch's <c>clip_grad_norm_</c> does.
    /// </summary>
    /// <param name="schedule">The schedule's value s(t) for this step, a factor (1 after warmup at constant rate).</param>
    /// <returns>The global gradient norm before clipping.</returns>
    public double Step(double schedule)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var gradients = parameters.Select(p => p.Value.grad is { } g ? g.to_type(ScalarType.Float32) : zeros_like(p.Value, ScalarType.Float32)).ToList();
        var norm = GlobalNorm.Of(gradients);
        if (GradientClipNorm is double max) GlobalNorm.ClipInPlace(gradients, norm, max);
        using Scalar stepSize = -schedule * LearningRate; // owned: see Scalars
        for (var i = 0; i < parameters.Count; i++)
        {
            var theta = parameters[i].Value;
            using var u = rules[i].Update(gradients[i], step);
            // θ − s·(lr·u + wd·θ), written as θ·(1 − s·wd) − (s·lr)·u: two passes over θ and no temporary.
            if (decays[i] != 0)
            {
                using Scalar decay = 1 - schedule * decays[i];
                theta.mul_(decay);
            }
            theta.add_(u, alpha: stepSize);
        }
        step++;
        return norm;
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters)
        {
            using var grad = p.Value.grad;
            grad?.zero_();
        }
    }

    /// <summary>
    /// The optimizer state as named tensors, like torch's <c>state_dict</c>: "step" (int64 scalar) and
    /// "PARAM:STATE" for each state tensor (e.g. "blocks.0.mlp.expand.weight:mu"). The tensors are clones.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var dict = new Dictionary<string, Tensor> { ["step"] = tensor(step) };
        for (var i = 0; i < parameters.Count; i++)
            foreach (var (name, value) in rules[i].State)
                dict[$"{parameters[i].Name}:{name}"] = value.detach().clone();
        return dict;
    }

    /// <summary>
    /// Restores a state saved by <see cref="StateDict"/> from a chain over the same parameters and optimizer, so a
    /// resumed run continues exactly. Names, shapes and dtypes must match.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        var expected = new HashSet<string> { "step" };
        for (var i = 0; i < parameters.Count; i++)
            foreach (var (name, _) in rules[i].State) expected.Add($"{parameters[i].Name}:{name}");
        var missing = expected.Except(state.Keys).ToList();
        var extra = state.Keys.Except(expected).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new ArgumentException(
                $"Optimizer state does not fit this chain ({Optimizer}): missing [{string.Join(", ", missing.Take(5))}], " +
                $"unexpected [{string.Join(", ", extra.Take(5))}]. Load a state saved from the same model and optimizer.", nameof(state));

        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Count; i++)
            foreach (var (name, target) in rules[i].State)
            {
                var key = $"{parameters[i].Name}:{name}";
                var source = state[key];
                if (!source.shape.SequenceEqual(target.shape) || source.dtype != target.dtype)
                    throw new ArgumentException(
                        $"Optimizer state '{key}' is {source.dtype}[{string.Join(",", source.shape)}] but this chain keeps " +
                        $"{target.dtype}[{string.Join(",", target.shape)}]; was it saved with another optimizer or model?", nameof(state));
                target.copy_(source);
            }
        step = state["step"].item<long>();
    }

    /// <summary>Writes <see cref="StateDict"/> to a stream: a count, then (name, tensor) pairs in TorchSharp's tensor format.</summary>
    public void Save(BinaryWriter writer)
    {
        var dict = StateDict();
        writer.Write(dict.Count);
        foreach (var (name, value) in dict)
        {
            writer.Write(name);
            value.Save(writer);
            value.Dispose();
        }
    }

    /// <summary>Reads a state written by <see cref="Save(BinaryWriter)"/> and loads it.</summary>
    public void Load(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var dict = new Dictionary<string, Tensor>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                dict[name] = TorchSharp.TensorExtensionMethods.Load(reader);
            }
            LoadStateDict(dict);
        }
        finally
        {
            foreach (var t in dict.Values) t.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var rule in rules) rule.Dispose();
    }
}

namespace ViTDsl;

/// <summary>
/// big_vision's rule for which parameters decay (<c>wd_mults</c>: <c>.*head/kernel</c> ×100, <c>.*/kernel</c> ×1),
/// written for TorchSharp's parameter names: a kernel is a <c>weight</c> of rank ≥ 2 (Linear and Conv2d); LayerNorm
/// weights are rank 1 and biases, <c>position</c>, <c>probe</c> and <c>cls</c> are not named <c>weight</c>, so none of
/// those decay. The classifier is the module field named <c>head</c>, so its kernel is exactly <c>head.weight</c>.
/// </summary>
internal static class DecayRule
{
    /// <summary>The name of the classifier kernel in a generated model.</summary>
    public const string HeadKernelName = "head.weight";

    /// <param name="name">The name as <c>named_parameters()</c> reports it, e.g. <c>blocks.3.mlp.expand.weight</c>.</param>
    /// <param name="rank">Number of dimensions of the tensor.</param>
    public static ParameterGroup GroupOf(string name, int rank)
    {
        var isKernel = rank >= 2 && (name == "weight" || name.EndsWith(".weight", System.StringComparison.Ordinal));
        if (!isKernel) return ParameterGroup.NoDecay;
        return name == HeadKernelName ? ParameterGroup.HeadKernel : ParameterGroup.BodyKernel;
    }
}

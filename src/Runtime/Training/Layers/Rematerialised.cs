using TorchSharp;
using static TorchSharp.torch;

namespace ViTDsl.Runtime.Layers;

/// <summary>
/// Activation checkpointing of one encoder block (<see cref="Rematerialisation.EncoderBlock"/>): the forward pass runs
/// the block without recording its graph and keeps only its input; the backward pass runs the block's forward again
/// on that input, with autograd recording, and differentiates it. The recomputation repeats the same operations on
/// the same values, so the gradients are those of the plain step, bit for bit; the step keeps one block's
/// activations at a time instead of all of them, for about one more forward pass of the blocks.
/// </summary>
internal static class Rematerialised
{
    /// <summary>
    /// <paramref name="block"/>(<paramref name="x"/>), rematerialised when the policy asks for it and autograd is
    /// recording (inference has nothing to keep, so it runs the block as it is).
    /// </summary>
    public static Tensor Forward(nn.Module<Tensor, Tensor> block, Tensor x, Rematerialisation policy)
    {
        if (policy == Rematerialisation.None || !is_grad_enabled()) return block.forward(x);
        // The parameters are inputs of the function, so that autograd's graph reaches them and hands them their gradients.
        var inputs = new List<object> { block, x };
        inputs.AddRange(block.parameters().Where(p => p.requires_grad));
        return BlockRecomputation.apply(inputs.ToArray());
    }
}

/// <summary>The autograd function behind <see cref="Rematerialised"/>: inputs (block, x, its trainable parameters…).</summary>
internal sealed class BlockRecomputation : autograd.SingleTensorFunction<BlockRecomputation>
{
    private const string BlockKey = "block";

    public override string Name => nameof(BlockRecomputation);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var block = (nn.Module<Tensor, Tensor>)vars[0];
        var x = (Tensor)vars[1];
        ctx.save_for_backward([x]);
        ctx.save_data(BlockKey, block);
        // Autograd does not record here (the function's forward runs without it); the scope frees the block's
        // intermediates as soon as it returns, instead of at the end of the model's forward pass.
        using var scope = NewDisposeScope();
        return block.forward(x).MoveToOuterDisposeScope();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var block = (nn.Module<Tensor, Tensor>)ctx.get_data(BlockKey);
        var parameters = block.parameters().Where(p => p.requires_grad).ToList();
        List<Tensor> gradients;
        using (var scope = NewDisposeScope())
        using (enable_grad())
        {
            var input = ctx.get_saved_variables()[0].detach().requires_grad_(true);
            var output = block.forward(input);
            var wrt = new List<Tensor> { input };
            wrt.AddRange(parameters);
            gradients = autograd.grad([output], wrt, [gradOutput]).Select(g => g.MoveToOuterDisposeScope()).ToList();
        }
        // One gradient per input of apply: none for the block, then x's and each parameter's.
        var result = new List<Tensor> { null! };
        result.AddRange(gradients);
        return result;
    }
}

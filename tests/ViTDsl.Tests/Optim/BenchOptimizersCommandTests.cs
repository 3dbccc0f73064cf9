using ViTDsl.Experiments.Bench;
using System.Text.Json;
using ViTDsl.Cli;

namespace ViTDsl.Tests.Optim;

[Collection(SerialCollection.Name)] // it measures speed
public class BenchOptimizersCommandTests
{
    [Fact]
    public void Reports_every_optimizer_relative_to_torchs_adam_with_state_bytes_equal_to_the_formula()
    {
        var output = new StringWriter();
        var exit = BenchCommands.Optimizers(output).Parse(["--model", "mu/16", "--rounds", "1", "--json"]).Invoke();
        Assert.Equal(0, exit);
        var rows = JsonSerializer.Deserialize<List<BenchOptimizerRow>>(output.ToString())!;
        Assert.Equal(["torch Adam", "Adam", "Adam bf16 μ", "Adafactor", "SGD bf16 momentum"], rows.Select(r => r.Optimizer));
        var parameters = ParameterCount.Total(Vit.Mu(16));
        var torchAdam = rows[0];
        Assert.Equal(1.0, torchAdam.StepTimeRatio);
        Assert.Equal(8.0 * parameters, torchAdam.StateBytes);   // torch keeps two float32 moments
        Assert.Equal(8.0, rows[1].BytesPerParameter);
        Assert.Equal(6.0, rows[2].BytesPerParameter);
        Assert.Equal(0.75, rows[2].StateRatio);
        Assert.Equal(2.0, rows[4].BytesPerParameter);
        Assert.All(rows.Skip(1), r => Assert.Equal(r.FormulaBytes, r.StateBytes));
        Assert.All(rows, r => Assert.True(r.StepMilliseconds > 0));
    }

    [Fact]
    public void A_declared_trials_model_is_measured_by_its_name()
    {
        var output = new StringWriter();
        var trial = "FashionScaling/model=fashion7-w24d2,seed=0,steps=3750";
        Assert.Equal(0, BenchCommands.Optimizers(output).Parse(["--model", trial, "--rounds", "1", "--json"]).Invoke());
        var rows = JsonSerializer.Deserialize<List<BenchOptimizerRow>>(output.ToString())!;
        // torch's Adam keeps two float32 moments: 8 bytes for each of the declared model's parameters, counted by the Dsl.
        var declared = ViTDsl.Generated.ExperimentCatalog.Sweeps.SelectMany(s => s.Trials).Single(t => t.Name == trial).Declaration.Model;
        Assert.Equal(8.0 * ParameterCount.Total(declared), rows[0].StateBytes);
        Assert.Equal(24, declared.Width);
    }

    [Theory]
    [InlineData("Z/3", "is not a ViT preset")]
    [InlineData("fashion7-nonsense", "Nor is it a declared experiment")]
    public void An_unknown_model_is_a_usage_error(string model, string says)
    {
        var error = new StringWriter();
        Assert.Equal(ExitCodes.UsageError, CliApp.Run(new System.CommandLine.RootCommand { BenchCommands.Optimizers(new StringWriter()) }, ["optimizers", "--model", model], null, error));
        Assert.Contains(model, error.ToString());
        Assert.Contains(says, error.ToString());
    }
}

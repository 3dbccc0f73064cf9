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
    public void An_unknown_model_is_a_usage_error()
    {
        var error = new StringWriter();
        Assert.Equal(ExitCodes.UsageError, CliApp.Run(new System.CommandLine.RootCommand { BenchCommands.Optimizers(new StringWriter()) }, ["optimizers", "--model", "Z/3"], null, error));
        Assert.Contains("Z/3", error.ToString());
    }
}

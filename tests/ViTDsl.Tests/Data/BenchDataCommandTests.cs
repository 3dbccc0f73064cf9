using ViTDsl.Experiments.Bench;
using System.CommandLine;
using ViTDsl.Cli;

namespace ViTDsl.Tests.Data;

[Collection(SerialCollection.Name)] // it measures speed
public class BenchDataCommandTests
{
    [Fact]
    public void Bench_data_reports_every_variant_as_images_per_second_and_a_ratio()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = BenchCommands.Data().Parse("--synthetic 500 --batch 32 --batches 2 --step-ms 1 --repeats 1")
            .Invoke(new InvocationConfiguration { Output = output, Error = error });
        Assert.Equal(0, code);
        var lines = output.ToString().Split('\n').Where(l => l.Contains("images/s")).ToList();
        Assert.Equal(8, lines.Count);
        Assert.All(lines, l => Assert.Matches(@"[\d,]+ images/s  ×\d+\.\d\d", l));
        Assert.Contains("×1.00", lines[0]);
    }

    [Fact]
    public void Bench_data_rejects_a_non_positive_batch()
    {
        var error = new StringWriter();
        int code = CliApp.Run(new RootCommand { BenchCommands.Data() }, ["data", "--synthetic", "500", "--batch", "0"], new StringWriter(), error);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("--batch must be at least 1", error.ToString());
    }
}

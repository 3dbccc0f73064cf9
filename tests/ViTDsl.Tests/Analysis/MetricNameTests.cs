using System.Text.Json;
using ViTDsl.Runtime.Analysis;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Analysis;

// One vocabulary of metric names: a few-shot error is fewshot/<target>/<k>shot_error everywhere (metrics files, stores,
// CSV columns, --metric), read by one parser; older spellings are rewritten by the store's migration, not read.
public class MetricNameTests
{
    [Theory]
    [InlineData("fewshot/mnist_digits/10shot_error", "mnist_digits", 10)]
    [InlineData("fewshot/fashion_mnist/1shot_error", "fashion_mnist", 1)]
    [InlineData("fewshot/idx_my_mnist/25shot_error", "idx_my_mnist", 25)]
    public void A_few_shot_name_parses_to_its_target_and_shots(string name, string target, int shots)
    {
        Assert.True(FewShotErrorName.TryParse(name, out var metric));
        Assert.Equal(new FewShotErrorName(target, shots), metric);
        Assert.Equal(name, metric.Name);
    }

    [Theory]
    [InlineData("test/error")]
    [InlineData("fewshot/25")]                 // sweep stores before targets: migrated, no longer read
    [InlineData("fewshot/5shot_error")]        // metrics files before targets
    [InlineData("fewshot_10")]                 // runs CSV columns before targets
    [InlineData("fewshot/0")]
    [InlineData("fewshot/mnist_digits/10")]
    [InlineData("fewshot/mnist_digits/0shot_error")]
    [InlineData("fewshot/mnist_digits/tenshot_error")]
    [InlineData("fewshot/Mnist/10shot_error")]
    public void Other_names_are_not_few_shot_errors(string name) =>
        Assert.False(FewShotErrorName.TryParse(name, out _));

    [Fact]
    public void A_declared_target_is_named_by_its_data_set()
    {
        Assert.Equal("fewshot/mnist_digits/10shot_error", MetricName.FewShotError(new DataSet.MnistDigits(), 10));
        Assert.Equal("fewshot/fashion_mnist/25shot_error", MetricName.FewShotError(new DataSet.FashionMnist(), 25));
        Assert.Equal("fewshot/idx_my_mnist/5shot_error", MetricName.FewShotError(new DataSet.Idx("/data/My-MNIST/train.gz", "l", "t", "tl"), 5));
    }

    [Theory]
    [InlineData("test", null, 0)]
    [InlineData("10shot", null, 10)]
    [InlineData("fewshot/mnist_digits/10shot_error", "mnist_digits", 10)]
    public void The_metric_option_names_a_target_or_defaults_to_the_upstream_and_prints_back_the_same(string text, string? target, int shots)
    {
        var metric = RunMetric.Parse(text);
        Assert.Equal(shots == 0 ? new RunMetric.Test() : new RunMetric.FewShotError(target, shots), metric);
        Assert.Equal(text, metric.Name);
    }

    [Theory]
    [InlineData("top5")]
    [InlineData("10-shot")]
    [InlineData("fewshot:5")]
    [InlineData("mnist_digits/25shot")]
    [InlineData("fewshot/mnist_digits/10shot")]
    [InlineData("0shot")]
    public void Any_other_metric_is_refused_naming_the_forms_that_work(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => RunMetric.Parse(text));
        Assert.Contains("fewshot/mnist_digits/10shot_error", e.Message);
        Assert.Contains("10shot", e.Message);
    }

    [Fact]
    public void A_store_written_before_targets_reads_its_migrated_few_shot_errors_as_the_upstream_data_sets()
    {
        using var folder = new TempFolder();
        var path = folder.File("results.db");
        using (var store = ResultsStore.Open(path))
        {
            // Specs then carried no data set; their few-shot metrics were "fewshot/K".
            var old = JsonSerializer.Serialize(new TrainingTrial("old", "S/16", 1000, 200, 12_800, 1e12, 1, null), TrainingTrial.Json);
            var now = JsonSerializer.Serialize(new TrainingTrial("new", "S/16", 1000, 200, 12_800, 1e12, 1, null) { DataSet = "fashion_mnist" }, TrainingTrial.Json);
            var trials = store.EnsureSweep("s", [("old", old), ("new", now)]).ToDictionary(t => t.Name, t => t.Id);
            void Record(string trial, params MetricRecord[] metrics)
            {
                var attempt = store.BeginAttempt(trials[trial]);
                store.RecordProgress(attempt, metrics, []);
                store.CompleteAttempt(attempt, AttemptOutcome.Succeeded, null, null);
            }
            Record("old", new(200, MetricName.TestError, 0.3), new(200, "fewshot/10", 0.4));
            Record("new", new(200, MetricName.TestError, 0.2), new(200, "fewshot/fashion_mnist/10shot_error", 0.35),
                new(200, "fewshot/mnist_digits/10shot_error", 0.5));
        }
        SqliteStoreUnderTest.SetSchemaVersion(path, 3); // as a store of schema 3 was written
        var runs = new StoreRunSource(path).ReadRuns().ToDictionary(r => r.Name);
        var tenShot = RunMetric.Parse("10shot");
        Assert.Equal(0.4, tenShot.Of(runs["old"]));
        Assert.Equal(0.35, tenShot.Of(runs["new"]));
        Assert.Equal(0.5, RunMetric.Parse("fewshot/mnist_digits/10shot_error").Of(runs["new"]));
        Assert.Null(RunMetric.Parse("fewshot/mnist_digits/10shot_error").Of(runs["old"]));
        Assert.Equal([new RunMetric.Test(), new RunMetric.FewShotError(10), new RunMetric.FewShotError("mnist_digits", 10)],
            ScalingAnalysis.MetricsIn([.. runs.Values]));
    }
}

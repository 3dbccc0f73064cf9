using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

public class RunSourceTests
{
    [Fact]
    public void Csv_round_trips_runs_including_few_shot_columns_and_commas_in_names()
    {
        var runs = AnalysisFixtures.Runs().Select((r, i) => i == 0 ? r with { Name = "odd, \"quoted\" name" } : r).ToList();
        runs[1] = runs[1] with { FewShotError = new Dictionary<FewShotErrorName, double> { [new("fashion_mnist", 10)] = 0.4 } }; // missing cells
        var path = Path.Combine(Path.GetTempPath(), $"runs-{Guid.NewGuid():N}.csv");
        try
        {
            CsvRunSource.Write(path, runs);
            var back = RunSources.Open(path).ReadRuns();
            Assert.Equal(runs.Count, back.Count);
            for (int i = 0; i < runs.Count; i++)
            {
                Assert.Equal(runs[i] with { FewShotError = back[i].FewShotError }, back[i]);
                Assert.Equal(runs[i].FewShotError.OrderBy(kv => kv.Key.Name), back[i].FewShotError.OrderBy(kv => kv.Key.Name));
            }
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("two\nlines")]
    [InlineData("windows\r\nline, and \"quotes\"")]
    [InlineData("\"\n,\n\"")]
    public void Csv_round_trips_names_with_line_breaks_commas_and_quotes(string name)
    {
        var runs = AnalysisFixtures.Runs().Select((r, i) => i == 1 ? r with { Name = name, Variant = name + "v" } : r).ToList();
        var path = Path.Combine(Path.GetTempPath(), $"runs-{Guid.NewGuid():N}.csv");
        try
        {
            CsvRunSource.Write(path, runs);
            var back = new CsvRunSource(path).ReadRuns();
            Assert.Equal(runs.Select(r => (r.Name, r.Variant, r.TestError)), back.Select(r => (r.Name, r.Variant, r.TestError)));
            // A record's line number (for messages) counts the line breaks inside the quoted fields before it.
            File.AppendAllText(path, "r9,B/16,not-a-number,1,1,0.5,fashion_mnist\n");
            var e = Assert.Throws<InvalidDataException>(() => new CsvRunSource(path).ReadRuns());
            Assert.Matches($"line {File.ReadAllText(path).Count(c => c == '\n')}[: ]", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void An_older_csv_with_fewshot_K_columns_is_refused_with_the_columns_new_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"runs-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "name,variant,parameters,images_seen,training_flops,test_error,fewshot_10\nr1,B/16,86000000,1000,1e15,0.3,0.45\n");
            var old = Assert.Throws<InvalidDataException>(() => new CsvRunSource(path).ReadRuns());
            Assert.Contains("Column 'fewshot_10'", old.Message);
            Assert.Contains("/10shot_error for the upstream's 10-shot error", old.Message);
            File.WriteAllText(path, "name,variant,parameters,images_seen,training_flops,test_error,fewshot_ten\n");
            var e = Assert.Throws<InvalidDataException>(() => new CsvRunSource(path).ReadRuns());
            Assert.Contains("fewshot/<target>/<k>shot_error", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Csv_errors_name_the_line_and_column()
    {
        var path = Path.Combine(Path.GetTempPath(), $"runs-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "name,variant,parameters,images_seen,training_flops,test_error\nr1,B/16,86000000,1000,1e15,abc\n");
            var e = Assert.Throws<InvalidDataException>(() => new CsvRunSource(path).ReadRuns());
            Assert.Contains("line 2", e.Message);
            Assert.Contains("test_error = 'abc'", e.Message);
            File.WriteAllText(path, "name,variant,parameters\n");
            var h = Assert.Throws<InvalidDataException>(() => new CsvRunSource(path).ReadRuns());
            Assert.Contains("images_seen, training_flops, test_error", h.Message);
        }
        finally { File.Delete(path); }
        Assert.Throws<FileNotFoundException>(() => RunSources.Open(path));
    }

    [Fact]
    public void Records_count_parameters_and_compute_with_the_Dsl_formulas()
    {
        var r = RunRecord.Of("b16", Vit.B(16), 1000, 0.3);
        Assert.Equal("B/16", r.Variant);
        Assert.Equal(ParameterCount.Total(Vit.B(16)), r.Parameters);
        Assert.Equal(FlopCount.TrainingGflopsPerImage(Vit.B(16)) * 1e9 * 1000, r.TrainingFlops, 1e-6 * r.TrainingFlops);
    }
}

using System.Diagnostics;
using ViTDsl.Runtime.Analysis.Findings;

namespace ViTDsl.Tests.Findings;

// `vitdsl findings --smoke` for real: every study's smoke twin trains tiny ViTs on synthetic images in worker
// processes, and the report comes out with every section and figure; a second run reuses every trial.
[Collection(SerialCollection.Name)] // it runs whole sweeps in processes
public class FindingsCommandSmokeTests : IDisposable
{
    private static readonly string Vitdsl = typeof(ViTDsl.Experiments.Tools.FindingsCommand).Assembly.Location;
    private readonly string root = Directory.CreateTempSubdirectory("vitdsl-findings-").FullName;

    [Fact]
    public void The_smoke_studies_produce_every_section_and_figure_and_a_rerun_trains_nothing()
    {
        var (code, output) = Findings();
        Assert.True(code == 0, output);
        var report = File.ReadAllText(Path.Combine(root, "out", FindingsReport.FileName));
        foreach (var finding in ViTDsl.Experiments.Findings.FindingCatalog.All)
            Assert.Contains($"`{finding.SmokeSweep}`", report);
        Assert.Equal(6, report.Split("**Verdict: ").Length - 1);
        Assert.Equal(6, report.Split("before any result of its study; unchanged since").Length - 1);
        var figures = Directory.GetFiles(Path.Combine(root, "out"), "*.png").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["a_error_vs_compute.png", "b_error_vs_images_seen.png", "c_fewshot_by_head_decay.png", "c_test_by_head_decay.png",
                      "d_test_by_pooling.png", "e_test_by_optimizer.png", "f_error_vs_duration.png"], figures);
        Assert.All(figures, f => Assert.Contains($"]({f})", report));

        var (again, rerun) = Findings("pooling");
        Assert.True(again == 0, rerun);
        Assert.Contains("SmokeFindingRecipe: 0 trained, 12 reused, 0 failed", rerun);
        Assert.DoesNotContain("SmokeFindingScale", rerun); // only the named finding's study is touched

        // A margin widened after the smoke run: the stored protocol stays, the report flags it and gives no verdict.
        using var store = Runtime.Store.ResultsStore.Open(Path.Combine(root, "runs", "results.db"));
        var sweep = ExperimentCatalogAccess.Sweeps.Single(s => s.Name == nameof(ViTDsl.Experiments.Findings.FindingStudies.SmokeFindingRecipe));
        var widened = ViTDsl.Experiments.Findings.FindingCatalog.Pooling with { Rule = new VerdictRule.Matches(0.05) };
        var planning = ViTDsl.Experiments.Findings.SeedPlanning.Of(sweep);
        var check = ViTDsl.Experiments.Findings.ProtocolStore.Check(store, sweep.Name, widened.ProtocolFor(sweep, 0, planning), acceptChange: false, persist: true);
        Assert.Equal(RegistrationState.ChangedAfterData, check.State);
        var section = widened.Judge(new ViTDsl.Experiments.Findings.FindingInput(sweep, ViTDsl.Experiments.Findings.FindingTrial.Load(store, sweep), null)) with { Registration = check };
        Assert.Equal(Verdict.Withheld, section.Verdict);
        var markdown = FindingsReport.Markdown([section], "preamble");
        Assert.Contains("**rule changed after data** (was ", markdown);
        Assert.Contains("**Verdict: withheld (rule changed after data).**", markdown);
    }

    [Fact]
    public void An_unknown_finding_is_a_usage_error_that_lists_the_findings()
    {
        var (code, output) = Findings("poolng");
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("no finding is named 'poolng'; the findings are scaling-law, sample-efficiency, weight-decay, pooling, optimizers, schedules", output);
    }

    private (int Code, string Output) Findings(params string[] names)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[Vitdsl, "findings", .. names, "--smoke", "--runs", Path.Combine(root, "runs"), "--out", Path.Combine(root, "out"), "--workers", "2"])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(6))) { process.Kill(true); throw new TimeoutException("findings --smoke did not finish in 6 minutes"); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

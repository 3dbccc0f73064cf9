using System.Text.Json;
using ViTDsl.Runtime.Analysis;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Analysis;

// A sweep's report fits the sweep as declared now: a trial dropped from the declaration keeps its records in the store
// but leaves the fits, and the report says so by name.
public class AnalysedTrialsTests
{
    [Fact]
    public void A_stored_run_the_sweep_no_longer_declares_is_left_out_of_its_runs_and_curves_and_named()
    {
        using var folder = new TempFolder();
        var path = folder.File("results.db");
        using (var store = ResultsStore.Open(path))
        {
            var names = new[] { "model=a,steps=200", "model=b,steps=200", "model=dropped,steps=200" };
            var trials = store.EnsureSweep("study", names.Select(n => (n, JsonSerializer.Serialize(
                new TrainingTrial(n, n[6..7], 1000, 200, 12_800, 1e12, 1, null), TrainingTrial.Json)))).ToDictionary(t => t.Name, t => t.Id);
            foreach (var name in names)
            {
                var attempt = store.BeginAttempt(trials[name]);
                store.RecordProgress(attempt, [new(100, MetricName.TestError, 0.5), new(200, MetricName.TestError, 0.3)], []);
                store.CompleteAttempt(attempt, AttemptOutcome.Succeeded, null, null);
            }
        }

        var declared = new StoreRunSource(path, new AnalysedTrials("study", new HashSet<string> { "model=a,steps=200", "model=b,steps=200" }));
        Assert.Equal(["model=a,steps=200", "model=b,steps=200"], declared.ReadRuns().Select(r => r.Name).Order());
        Assert.EndsWith("(sweep study); 1 stored run(s) the sweep no longer declares left out: model=dropped,steps=200", declared.Description);
        Assert.Equal(2, declared.Curves().ReadCurves().Count);

        var whole = new StoreRunSource(path, "study"); // `fit --runs`: every stored run, as before
        Assert.Equal(3, whole.ReadRuns().Count);
        Assert.EndsWith("(sweep study)", whole.Description);
        Assert.Equal(3, whole.Curves().ReadCurves().Count);
    }
}

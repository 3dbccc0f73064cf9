using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// A worker whose build declares a trial's experiment differently from the sweep's plan (a rebuild between planning
/// and running) is refused before it trains or writes anything, with a message naming both; it is an environment
/// failure (not counted against the trial), and the same build is accepted.
/// </summary>
public sealed class BuildIdentityTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private static readonly Runtime.Models.GeneratedExperiment Smoke = ExperimentCatalogAccess.All.Single(e => e.Name == "Smoke");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_rebuilt_worker_that_declares_the_experiment_differently_is_refused_naming_both()
    {
        var planned = TrainingTrial.Of(Smoke, threads: 1, testImages: 100);
        var rebuilt = Smoke with { Declaration = Smoke.Declaration with { Data = Smoke.Declaration.Data with { Batch = Smoke.Declaration.Data.Batch * 2 } } };
        var reporter = new RecordingReporter();
        var runDirectory = Path.Combine(_folder.Path, "s", "t");
        var trial = new TrialSpec("s", "t", JsonSerializer.SerializeToElement(planned, TrainingTrial.Json), runDirectory, 1, ResumeState.Fresh);

        var e = await Assert.ThrowsAsync<BuildMismatchException>(() => new TrainingTrialRunner(_ => rebuilt).RunAsync(trial, reporter, CancellationToken.None));

        Assert.Contains($"lineage {planned.Lineage}", e.Message);
        Assert.Contains($"lineage {TrainingTrial.LineageDigest(rebuilt.Declaration)}", e.Message);
        Assert.NotEqual(planned.Lineage, TrainingTrial.LineageDigest(rebuilt.Declaration));
        Assert.Empty(reporter.Calls); // refused before loading anything
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "s", "lineages")), "a refused worker wrote a lineage folder");
        Assert.NotNull(EnvironmentFailure.Describe(e)); // not the trial's fault: not counted
    }

    [Fact]
    public void The_build_that_planned_the_trial_is_accepted_and_a_changed_length_is_not()
    {
        var planned = TrainingTrial.Of(Smoke, threads: 1, testImages: 100);
        BuildIdentity.Check("t", planned, Smoke);
        var longer = Smoke with { Declaration = Smoke.Declaration with { Steps = Smoke.Declaration.Steps + 1 } };
        var e = Assert.Throws<BuildMismatchException>(() => BuildIdentity.Check("t", planned, longer));
        Assert.Contains($"{Smoke.Declaration.Steps} steps", e.Message);
        Assert.Contains($"{Smoke.Declaration.Steps + 1} steps", e.Message);
    }

    private sealed class RecordingReporter : ITrialReporter
    {
        public List<string> Calls { get; } = [];
        public void Metric(long step, string name, double value) => Calls.Add($"metric {name}");
        public void Checkpoint(long step, string path) => Calls.Add($"checkpoint {step}");
        public void Log(string text) => Calls.Add($"log {text}");
        public void Phase(TrialPhase phase) => Calls.Add($"phase {phase}");
        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}

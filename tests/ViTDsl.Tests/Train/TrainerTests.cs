using ViTDsl.Experiments.Fashion;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Train;
using ViTDsl.Runtime.Train.Metrics;

namespace ViTDsl.Tests.Train;

[Collection(SerialCollection.Name)] // the trainer seeds torch's global generator and sets its thread count
public class TrainerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vitdsl-trainer-").FullName;

    // The smoke model on synthetic images: fast, and exercises the whole chain (Adafactor, decay, clipping).
    private static GeneratedExperiment Tiny(long steps) => FashionMnist.SmokePlan.Entry with
    {
        Declaration = FashionMnist.Smoke with { Steps = steps },
    };

    private TrainingOptions Options(string folder) => new(Path.Combine(root, folder))
    {
        LogEvery = 1, CheckpointEvery = 5, FewShot = null, Threads = 1,
    };

    [Fact]
    public void Stopping_and_resuming_gives_the_same_losses_as_not_stopping()
    {
        var uninterrupted = Trainer.Run(Tiny(30), Options("a"));

        using var stop = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Trainer.Run(Tiny(30), Options("b"), new StopAt(12, stop), stop.Token));
        var resumed = Trainer.Run(Tiny(30), Options("b"));

        Assert.Equal(12, resumed.ResumedFrom); // a requested stop checkpoints where it stops
        Assert.Equal(Losses(Options("a"), Tiny(30)), Losses(Options("b"), Tiny(30)));
        Assert.Equal(uninterrupted.TestError, resumed.TestError);
        Assert.Equal(uninterrupted.TestLoss, resumed.TestLoss);
        Assert.Equal(uninterrupted.FinalTrainLoss, resumed.FinalTrainLoss);
    }

    [Fact]
    public void After_a_crash_a_run_resumes_from_its_last_checkpoint_and_redoes_the_lost_steps_identically()
    {
        Trainer.Run(Tiny(30), Options("a"));
        Assert.Throws<InvalidOperationException>(() => Trainer.Run(Tiny(30), Options("b"), new CrashAt(13)));
        var resumed = Trainer.Run(Tiny(30), Options("b"));
        Assert.Equal(10, resumed.ResumedFrom); // steps 11–13 were lost with the crash and are trained again
        Assert.Equal(Losses(Options("a"), Tiny(30)), Losses(Options("b"), Tiny(30)));
    }

    [Fact]
    public void A_shorter_run_branches_off_a_longer_runs_prefix_and_equals_training_it_alone()
    {
        Trainer.Run(Tiny(30), Options("lineage"));
        var branched = Trainer.Run(Tiny(20), Options("lineage"));
        var alone = Trainer.Run(Tiny(20), Options("alone"));

        Assert.Equal(10, branched.ResumedFrom); // 20 steps − 10 cooldown: the shared prefix
        Assert.Equal(0, alone.ResumedFrom);
        Assert.Equal(alone.TestLoss, branched.TestLoss);
        Assert.Equal(alone.FinalTrainLoss, branched.FinalTrainLoss);
    }

    [Fact]
    public void A_run_keeps_its_lineages_branch_points_so_a_shorter_run_trains_only_its_cooldown()
    {
        // Checkpoints every 7 steps miss the 23-step run's branch point (23 − 10 cooldown = 13): without it the branch
        // resumes from step 7 and trains 16 steps; with it, 10.
        var options = Options("branch-points") with { CheckpointEvery = 7 };
        Trainer.Run(Tiny(30), options with { BranchPoints = Lineage.BranchPoints(Tiny(30).Declaration, [Tiny(23).Declaration, Tiny(30).Declaration]) });
        var branched = Trainer.Run(Tiny(23), options);
        Assert.Equal(13, branched.ResumedFrom);

        var without = Options("no-branch-points") with { CheckpointEvery = 7 };
        Trainer.Run(Tiny(30), without);
        Assert.Equal(7, Trainer.Run(Tiny(23), without).ResumedFrom);
        Assert.Equal(Trainer.Run(Tiny(23), Options("alone")).TestLoss, branched.TestLoss);
    }

    [Fact]
    public void Evaluation_is_periodic_probes_every_declared_target_at_the_end_and_keeps_the_final_features_for_later_probes()
    {
        // 4 evaluations from a third of the run: round(30 · (1/3)^(1 − i/3)) = 10, 14, 21, then the final one at 30.
        var options = Options("eval") with { Evaluations = new Evaluations(4, 1.0 / 3), FewShot = Runtime.Eval.FewShotSettings.Paper };
        var result = Trainer.Run(Tiny(30), options);
        var layout = new RunLayout(options.Root, Tiny(30).Declaration);
        var metrics = MetricsFile.Read(layout.Metrics);

        Assert.Equal(new long[] { 10, 14, 21, 30 }, metrics.Where(m => m.Name == MetricName.TestError).Select(m => m.Step));
        // Smoke declares the default targets: its own (synthetic) data set and MNIST digits, 1/5/10/25 shots, probed
        // at the final evaluation (periodic ones trace the learning curve only).
        foreach (var target in new[] { "synthetic", "mnist_digits" })
            foreach (var shots in new[] { 1, 5, 10, 25 })
                Assert.Equal(new long[] { 30 }, metrics.Where(m => m.Name == $"fewshot/{target}/{shots}shot_error").Select(m => m.Step));

        using var kept = Runtime.Train.Checkpoints.Checkpoint.Read(layout.Features);
        var width = FashionMnist.Smoke.Model.Width;
        Assert.Equal(new long[] { 64, width }, kept["test/features"].shape);
        Assert.Equal(new long[] { 256, width }, kept["pool/features"].shape);
        Assert.Equal(new long[] { 500, width }, kept["mnist_digits/pool/features"].shape); // 50 per digit
        Assert.Equal(new long[] { 2000, width }, kept["mnist_digits/test/features"].shape); // the package's 200 test images per digit
        // A probe run later on the kept features gives exactly the few-shot errors the run reported.
        foreach (var (target, prefix) in new[] { ("synthetic", ""), ("mnist_digits", "mnist_digits/") })
        {
            var later = Runtime.Eval.FewShotEvaluator.Evaluate(kept[prefix + "pool/features"], kept[prefix + "pool/labels"],
                kept[prefix + "test/features"], kept[prefix + "test/labels"], 10);
            Assert.Equal(later.PerShot.Select(r => (new FewShotErrorName(target, r.Shots).Name, r.MeanError)),
                result.FewShotError.Where(e => e.Key.StartsWith($"fewshot/{target}/")).OrderBy(e => int.Parse(e.Key.Split('/')[2][..^"shot_error".Length]))
                    .Select(e => (e.Key, e.Value)));
        }
    }

    [Fact]
    public void A_finished_run_is_read_back_not_trained_again()
    {
        var first = Trainer.Run(Tiny(15), Options("done"));
        var again = Trainer.Run(Tiny(15), Options("done"), new StopAt(1, new CancellationTokenSource()));
        Assert.Equal(first, again with { FewShotError = first.FewShotError, FewShotSeconds = first.FewShotSeconds });
    }

    private static List<(long, double)> Losses(TrainingOptions options, GeneratedExperiment experiment) =>
        MetricsFile.Read(new RunLayout(options.Root, experiment.Declaration).Metrics)
            .Where(m => m.Name == MetricName.TrainLoss)
            .GroupBy(m => m.Step).Select(g => (g.Key, g.Last().Value)) // a resumed run re-records the steps after its checkpoint
            .OrderBy(x => x.Key).ToList();

    private sealed class StopAt(long step, CancellationTokenSource source) : ITrainingObserver
    {
        public void Stepped(long at, double loss, double imagesPerSecond)
        {
            if (at == step) source.Cancel();
        }
    }

    private sealed class CrashAt(long step) : ITrainingObserver
    {
        public void Stepped(long at, double loss, double imagesPerSecond)
        {
            if (at == step) throw new InvalidOperationException("simulated crash");
        }
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

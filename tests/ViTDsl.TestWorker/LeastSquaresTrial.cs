using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using ViTDsl.Runtime.Workers;
using static TorchSharp.torch;

namespace ViTDsl.TestWorker;

/// <summary>The test workload (<see cref="LeastSquaresPayload"/>) as a trial runner, on TorchSharp in float64.</summary>
internal sealed class LeastSquaresTrial : ITrialRunner
{
    public async Task RunAsync(TrialSpec trial, ITrialReporter reporter, CancellationToken cancellationToken)
    {
        var p = trial.Payload.Deserialize<LeastSquaresPayload>(new JsonSerializerOptions(JsonSerializerDefaults.Web))
                ?? throw new ArgumentException("The trial payload is empty; expected a LeastSquaresPayload.");
        reporter.Phase(TrialPhase.Loading);
        // One thread and no BLAS (MKL's matrix kernels may round differently from process to process): elementwise
        // products and reductions only, so every run of a trial, resumed or not, gives the same bits.
        torch.set_num_threads(1);
        var problem = LeastSquaresProblem.Generate(p.Seed, p.Rows, p.Cols);
        using var x = tensor(problem.X, [p.Rows, p.Cols], ScalarType.Float64);
        using var y = tensor(problem.Y, [p.Rows, 1], ScalarType.Float64);
        var (start, w) = Resume(trial, p.Cols, reporter);

        // Owned Scalars: one that nothing references may be freed while libtorch reads it (UnownedScalarGuardTests).
        using var twoOverRows = (2.0 / p.Rows).ToScalar();
        using var learningRate = p.LearningRate.ToScalar();
        reporter.Phase(TrialPhase.Training);
        for (var step = start + 1; step <= p.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (p.BusyStepMs > 0) Thread.Sleep(p.BusyStepMs); // a step cancellation cannot interrupt
            using (NewDisposeScope())
            {
                var residual = (x * w.t()).sum(1, keepdim: true) - y;           // X·w − y, rows × 1
                var gradient = (x * residual).sum(0, keepdim: true).t().mul(twoOverRows); // 2/n · Xᵀ(X·w − y), cols × 1
                reporter.Metric(step, "loss", (residual * residual).mean().item<double>());
                reporter.Metric(step, "grad_norm", gradient.norm().item<double>());
                var next = (w - gradient.mul(learningRate)).MoveToOuterDisposeScope();
                w.Dispose();
                w = next;
            }
            if (step == p.CrashAtStep && (p.CrashOnAttempt == 0 || p.CrashOnAttempt == trial.Attempt))
                await CrashAsync(step, trial.Attempt, reporter);
            if (step == p.HangAtStep && (p.HangOnAttempt == 0 || p.HangOnAttempt == trial.Attempt))
                await HangAsync(p.Hang, step, trial.Attempt, reporter, cancellationToken);
            if (step % p.CheckpointEvery == 0) reporter.Checkpoint(step, Save(trial.RunDirectory, step, w));
            if (p.StepDelayMs > 0) await Task.Delay(p.StepDelayMs, cancellationToken);
        }

        reporter.Phase(TrialPhase.Recording);
        var result = Path.Combine(trial.RunDirectory, "result.json");
        WriteAtomically(result, s => JsonSerializer.Serialize(s, new { steps = p.Steps, w = w.data<double>().ToArray() }));
        reporter.Log($"done: {p.Steps} steps, result in {result}");
        w.Dispose();
    }

    private static (long Start, Tensor W) Resume(TrialSpec trial, int cols, ITrialReporter reporter)
    {
        foreach (var checkpoint in trial.Resume.Checkpoints.OrderByDescending(c => c.Step))
        {
            if (!Runtime.Workers.CheckpointFiles.Matches(checkpoint.Path, checkpoint.Sha256))
            {
                reporter.Log($"checkpoint of step {checkpoint.Step} is missing or changed; trying an earlier one");
                continue;
            }
            using var reader = new BinaryReader(File.OpenRead(checkpoint.Path));
            if (reader.ReadInt64() != checkpoint.Step || reader.ReadInt32() != cols) continue;
            var values = new double[cols];
            for (var j = 0; j < cols; j++) values[j] = reader.ReadDouble();
            reporter.Log($"attempt {trial.Attempt}: resuming from the checkpoint of step {checkpoint.Step}");
            return (checkpoint.Step, tensor(values, [cols, 1], ScalarType.Float64));
        }
        reporter.Log($"attempt {trial.Attempt}: starting from step 0");
        return (0, zeros(cols, 1, ScalarType.Float64));
    }

    private static string Save(string folder, long step, Tensor w)
    {
        var path = Path.Combine(folder, $"step-{step:D6}.ckpt");
        var values = w.data<double>().ToArray();
        WriteAtomically(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(step);
            writer.Write(values.Length);
            foreach (var v in values) writer.Write(v);
        });
        return path;
    }

    // Write to a private temporary name, flush to disk, then rename: a reader sees the old file or the whole new one.
    private static void WriteAtomically(string path, Action<FileStream> write)
    {
        var temporary = $"{path}.tmp-{Environment.ProcessId}";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task HangAsync(HangMode mode, long step, int attempt, ITrialReporter reporter, CancellationToken cancellationToken)
    {
        await reporter.FlushAsync();
        await Task.Delay(100); // let the multiplexer put the flushed records on the wire
        await Console.Error.WriteLineAsync($"hanging ({mode}) at step {step} on attempt {attempt}, as the trial spec asks");
        if (mode == HangMode.Wait) await Task.Delay(Timeout.Infinite, cancellationToken);
        if (mode == HangMode.Freeze) kill(Environment.ProcessId, 19 /* SIGSTOP */);
        if (mode == HangMode.Native)
        {
            // A native call wedged on something its host needs too: the host cannot abandon the trial and answer.
            WorkerHost.CancelGrace = Timeout.InfiniteTimeSpan;
            while (true) pause(); // returns only when a signal is handled; the runner's SIGKILL is not
        }
        Thread.Sleep(Timeout.Infinite); // deaf to cancellation, like a trial stuck in native code
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int pause();

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static async Task CrashAsync(long step, int attempt, ITrialReporter reporter)
    {
        await reporter.FlushAsync();
        await Task.Delay(100); // let the multiplexer put the flushed records on the wire
        await Console.Error.WriteLineAsync($"crashing at step {step} on attempt {attempt}, as the trial spec asks");
        Process.GetCurrentProcess().Kill(); // SIGKILL: no cleanup, like the out-of-memory killer
    }
}

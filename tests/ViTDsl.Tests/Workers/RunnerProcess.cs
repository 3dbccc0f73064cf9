using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ViTDsl.Runtime.Store;
using ViTDsl.Runtime.Workers;
using ViTDsl.TestWorker;

namespace ViTDsl.Tests.Workers;

/// <summary>
/// A runner process (the test worker's <c>run-sweep</c> mode) that a test can signal: suspend (SIGSTOP), resume
/// (SIGCONT), terminate (SIGTERM), with its output collected; whether a process is still alive; and what a store holds,
/// as one comparable value. The runner tests share it, so each says only what it does to the runner.
/// </summary>
internal sealed class RunnerProcess
{
    private readonly StringBuilder _output = new();

    private RunnerProcess(Process process) => Process = process;

    public Process Process { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string WriteSweep(string folder, string name, IReadOnlyDictionary<string, LeastSquaresPayload> trials)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var sweep = new SweepDefinition(name, trials.Select(t => new SweepTrial(t.Key, JsonSerializer.SerializeToElement(t.Value, json))).ToList());
        var file = Path.Combine(folder, name + ".json");
        File.WriteAllText(file, JsonSerializer.Serialize(sweep, json));
        return file;
    }

    public static RunnerProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo(MixedSweep.Worker.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(LeastSquaresTrial).Assembly.Location);
        info.ArgumentList.Add("run-sweep");
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var runner = new RunnerProcess(Process.Start(info)!);
        runner.Process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (runner._output) runner._output.AppendLine(e.Data); };
        runner.Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (runner._output) runner._output.AppendLine(e.Data); };
        runner.Process.BeginOutputReadLine();
        runner.Process.BeginErrorReadLine();
        return runner;
    }

    public async Task<int> ExitCodeAsync(TimeSpan within)
    {
        try { await Process.WaitForExitAsync().WaitAsync(within); }
        catch (TimeoutException) { Process.Kill(entireProcessTree: true); throw new TimeoutException($"the runner did not exit within {within}:\n{Output}"); }
        Process.WaitForExit(); // the output's last lines
        return Process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/>; unless <paramref name="mayBeGone"/>, the process must be there to get it.</summary>
    public static void Signal(int pid, int signal, bool mayBeGone = false)
    {
        if (kill(pid, signal) != 0 && !mayBeGone) Assert.Fail($"pid {pid} is not there to get signal {signal}");
    }

    /// <summary>Running, stopped or sleeping; a zombie or a vanished pid is not (an orphan's new parent may be slow to reap it).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException) { return false; }
    }

    public const int SigTerm = 15, SigCont = 18, SigStop = 19;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Everything a store holds about a sweep's trials (timings aside: they differ from run to run only by the clock).</summary>
    public static string Snapshot(string storePath, string sweep)
    {
        using var store = ResultsStore.Open(storePath);
        var text = new StringBuilder();
        foreach (var t in store.Trials(sweep))
        {
            text.AppendLine($"trial {t.Name} {t.Status} attempts={t.Attempts} failures={t.Failures} error={t.Error} timings={t.Timings}");
            foreach (var a in store.Attempts(t.Id))
                text.AppendLine($"  attempt {a.Attempt} {a.Outcome} pid={a.WorkerPid} error={a.Error} timings={a.Timings} {a.StartedUtc:O} {a.FinishedUtc:O}");
            foreach (var m in store.Metrics(t.Id)) text.AppendLine($"  metric {m.Name} {m.Step} {m.Value:R}");
            foreach (var c in store.Checkpoints(t.Id)) text.AppendLine($"  checkpoint {c.Step} {c.Path} {c.Sha256}");
            foreach (var l in store.Logs(t.Id)) text.AppendLine($"  log {l.Attempt} {l.Source} {l.Text}");
        }
        text.AppendLine($"lease {store.Lease(sweep)?.Token}");
        return text.ToString();
    }
}

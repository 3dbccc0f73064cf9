using Spectre.Console;
using ViTDsl.Runtime;
using ViTDsl.Runtime.Workers;

namespace ViTDsl.Cli;

/// <summary>A live view of a running sweep: counts, one row per running trial, and the latest events.</summary>
internal static class SweepProgressView
{
    public static async Task<SweepSummary> RunAsync(Func<IProgress<SweepProgress>, Task<SweepSummary>> run)
    {
        if (Console.IsOutputRedirected) return await run(new Progress<SweepProgress>(p => { if (p.Event is { } e) Console.WriteLine($"[{p.Succeeded + p.Failed}/{p.Total}] {e}"); }));
        var events = new Queue<string>();
        SweepProgress? latest = null;
        var gate = new object();
        SweepSummary summary = null!;
        await AnsiConsole.Live(new Markup("starting…")).StartAsync(async context =>
        {
            var progress = new Progress<SweepProgress>(p =>
            {
                lock (gate)
                {
                    latest = p;
                    if (p.Event is { } e) { events.Enqueue(e); while (events.Count > 6) events.Dequeue(); }
                    context.UpdateTarget(Render(latest, events));
                }
            });
            summary = await run(progress);
        });
        return summary;
    }

    private static Table Render(SweepProgress p, IEnumerable<string> events)
    {
        var done = p.Succeeded + p.Failed;
        var table = new Table().Title($"{Markup.Escape(p.Sweep)}: {done}/{p.Total} done ({p.Succeeded} ok, {p.Failed} failed, {p.Pending} pending)")
            .AddColumns("running trial", "attempt", "phase", "step", "loss", "img/s");
        foreach (var t in p.Running)
            table.AddRow(Markup.Escape(t.Name), t.Attempt.ToString(), t.Phase.ToString(), t.LastStep?.ToString() ?? "",
                t.Latest.TryGetValue(MetricName.TrainLoss, out var loss) ? loss.ToString("F3") : "",
                t.Latest.TryGetValue(MetricName.TrainImagesPerSecond, out var rate) ? rate.ToString("F0") : "");
        table.Caption(Markup.Escape(string.Join("\n", events)));
        return table;
    }
}

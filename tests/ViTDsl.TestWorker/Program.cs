using ViTDsl.Runtime.Workers;

namespace ViTDsl.TestWorker;

/// <summary>
/// <c>worker</c>: run one trial over stdin/stdout (what the runner starts).
/// <c>run-sweep --store F --runs DIR --sweep SWEEP.json [--parallel N]</c>: run a sweep with this exe as its worker
/// (so a test can SIGKILL the runner itself). <c>bench-store --store F [--metrics N]</c>: store write throughput.
/// <c>measure-memory …</c>: peak memory of training steps against the plan (<see cref="MemoryMain"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "worker":
                return await WorkerHost.RunStdioAsync(new LeastSquaresTrial(), CancellationToken.None);
            case "run-sweep":
                // Under the CLI's invocation, as `vitdsl sweep` runs: Ctrl+C and SIGTERM cancel, with its termination timeout.
                var command = new System.CommandLine.Command("run-sweep") { TreatUnmatchedTokensAsErrors = false };
                command.SetAction((_, cancellation) => SweepMain.RunAsync(Options(args), cancellation));
                return await Task.Run(() => ViTDsl.Cli.CliApp.Run(new System.CommandLine.RootCommand { command }, args));
            case "bench-store":
                return StoreBench.Run(Options(args));
            case "measure-memory":
                return MemoryMain.Run(Options(args));
            default:
                Console.Error.WriteLine("usage: ViTDsl.TestWorker worker | run-sweep --store F --runs DIR --sweep SWEEP.json [--parallel N] | bench-store --store F [--metrics N]");
                return 2;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected an --option, got '{args[i]}'");
            options[args[i][2..]] = args[i + 1];
        }
        return options;
    }
}

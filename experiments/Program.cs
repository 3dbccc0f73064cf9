using System.CommandLine;
using ViTDsl.Experiments.Cli;
using ViTDsl.Generated;

// The ViTDsl command line. Every declared experiment in this assembly reaches it through the generated catalog.
var root = new RootCommand("ViTDsl: declare Vision Transformer scaling experiments in C#, train them, fit scaling laws.");
root.Subcommands.Add(ListCommand.Create(ExperimentCatalog.All, ExperimentCatalog.Sweeps));
root.Subcommands.Add(PlanCommand.Create(ExperimentCatalog.All));
root.Subcommands.Add(TrainCommand.Create(ExperimentCatalog.All, ExperimentCatalog.Sweeps));
root.Subcommands.Add(SweepCommand.Create(ExperimentCatalog.Sweeps));
root.Subcommands.Add(WorkerEntryCommand.Create(ExperimentCatalog.All, ExperimentCatalog.Sweeps));
root.Subcommands.Add(AnalysisCommands.Fit());
root.Subcommands.Add(AnalysisCommands.Report());
var bench = new Command("bench", "Benchmarks, reported as ratios measured within one run.");
bench.Subcommands.Add(BenchTrainingCommand.Create());
bench.Subcommands.Add(BenchCommands.Data());
bench.Subcommands.Add(BenchCommands.Optimizers());
root.Subcommands.Add(bench);
return root.Parse(args).Invoke();

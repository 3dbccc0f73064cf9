using ViTDsl.Experiments.Bench;
using ViTDsl.Generated;

// The ViTDsl command line for this repository's declarations (Paper, Fashion): the CLI itself lives in src/Cli.
// `findings` runs this repository's finding studies; the benchmarks (experiments/Bench, `bench generator` with Roslyn)
// are this repository's own commands, not the package's.
return ViTDsl.Cli.Vitdsl.Run(args, ExperimentCatalog.All, ExperimentCatalog.Sweeps,
    commands: [ViTDsl.Experiments.Tools.FindingsCommand.Create(ExperimentCatalog.Sweeps)],
    benchmarks: RepositoryBenchmarks.All());

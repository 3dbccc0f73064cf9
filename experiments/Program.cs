using ViTDsl.Generated;

// The ViTDsl command line for this repository's declarations (Paper, Fashion): the CLI itself lives in src/Cli.
// `findings` runs this repository's finding studies and `bench generator` needs Roslyn: this CLI's own commands, not the package's.
return ViTDsl.Cli.Vitdsl.Run(args, ExperimentCatalog.All, ExperimentCatalog.Sweeps,
    commands: [ViTDsl.Experiments.Tools.FindingsCommand.Create(ExperimentCatalog.Sweeps)],
    benchmarks: [ViTDsl.Experiments.Tools.BenchGeneratorCommand.Create()]);

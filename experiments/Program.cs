using ViTDsl.Generated;

// The ViTDsl command line for this repository's declarations (Paper, Fashion): the CLI itself lives in src/Cli.
// `bench generator` is this repository's own tool (it needs Roslyn), not part of the package's CLI.
return ViTDsl.Cli.Run(args, ExperimentCatalog.All, ExperimentCatalog.Sweeps, [ViTDsl.Experiments.Cli.BenchGeneratorCommand.Create()]);

using ViTDsl.Generated;

// The ViTDsl command line for this repository's declarations (Paper, Fashion): the CLI itself lives in src/Cli.
return ViTDsl.Cli.Run(args, ExperimentCatalog.All, ExperimentCatalog.Sweeps);

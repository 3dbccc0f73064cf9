using ViTDsl.Experiments.Cli;
using ViTDsl.Generated;

// The ViTDsl command line. Every declared experiment in this assembly reaches it through the generated catalog.
return CliApp.Run(CliApp.Root(ExperimentCatalog.All, ExperimentCatalog.Sweeps), args);

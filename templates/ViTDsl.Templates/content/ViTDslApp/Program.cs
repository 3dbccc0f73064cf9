// This project is the vitdsl command line for its own declarations: `dotnet run -- list`, `dotnet run -- train Smoke`.
return ViTDsl.Cli.Vitdsl.Run(args, ViTDsl.Generated.ExperimentCatalog.All, ViTDsl.Generated.ExperimentCatalog.Sweeps);

using System.CommandLine;
using ViTDsl.Experiments.Tools;

namespace ViTDsl.Experiments.Bench;

/// <summary>This repository's `vitdsl bench …` commands, in one list for its CLI and its tests.</summary>
public static class RepositoryBenchmarks
{
    public static IReadOnlyList<Command> All() =>
    [
        BenchTrainingCommand.Create(), BenchCommands.Data(), BenchCommands.Optimizers(), BenchCommands.Store(),
        BenchCommands.Weights(), BenchCoverageCommand.Create(), BenchExtrapolationCommand.Create(), BenchGeneratorCommand.Create(),
    ];
}

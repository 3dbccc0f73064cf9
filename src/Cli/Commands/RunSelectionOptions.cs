using System.CommandLine;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Cli;

/// <summary>
/// `fit`'s choice of recorded runs: <c>--only LABEL=V[,V…]</c> (<see cref="RunFilter"/>), then <c>--mean-over LABEL</c>
/// (<see cref="RunAverage"/>).
/// </summary>
internal sealed class RunSelectionOptions
{
    public Option<string[]> Only { get; } = OnlyOption();

    public Option<string?> MeanOver { get; } = new("--mean-over")
    {
        Description = "Fit the mean error over this label's values at each point, and fail naming any point that lacks one: " +
                      "one run per point. Complete seeds are averaged without it; --mean-over seed insists on it.",
    };

    /// <summary>Whether the command line selects runs at all.</summary>
    public bool Used(System.CommandLine.Parsing.CommandResult c) => c.GetValue(Only) is { Length: > 0 } || c.GetValue(MeanOver) is not null;

    public void AddTo(Command command)
    {
        command.Options.Add(Only);
        command.Options.Add(MeanOver);
    }

    /// <summary>The runs the command line selects, averaged where it asks.</summary>
    public IReadOnlyList<RunRecord> Apply(ParseResult r, IReadOnlyList<RunRecord> runs)
    {
        runs = RunFilter.Apply(runs, [.. (r.GetValue(Only) ?? []).Select(RunFilter.Parse)]);
        return r.GetValue(MeanOver) is { } label ? RunAverage.Over(runs, label) : runs;
    }

    private static Option<string[]> OnlyOption()
    {
        var only = new Option<string[]>("--only")
        {
            Description = "Fit only the runs whose name has one of these values under the label, e.g. --only seed=2 --only steps=625,1250,2500 " +
                          "(labels: the sweep's axes, and 'sweep'); repeat it for several labels, all of which must hold.",
        };
        only.Validators.Add(r =>
        {
            foreach (var text in r.GetValueOrDefault<string[]>() ?? [])
                try { RunFilter.Parse(text); }
                catch (FormatException e) { r.AddError($"--only {e.Message}"); }
        });
        return only;
    }
}

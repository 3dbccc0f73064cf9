using System.CommandLine;
using System.Text.Json;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Cli;

/// <summary>
/// <c>vitdsl fit</c> and <c>vitdsl report</c>: scaling-law analysis over recorded runs. Register both on the root
/// command: <c>root.Subcommands.Add(AnalysisCommands.Fit()); root.Subcommands.Add(AnalysisCommands.Report());</c>
/// </summary>
internal static class AnalysisCommands
{
    private const string MetricNames = "test|<k>shot|fewshot/<target>/<k>shot_error";

    private sealed class Shared
    {
        public Option<string> Runs { get; } = new("--runs")
        {
            Description = "Recorded runs: a runs folder (its results.db, as `vitdsl sweep` writes), a results store (.db), or a CSV " +
                          "(header: name,variant,parameters,images_seen,training_flops,test_error[,data_set][,fewshot/<target>/<k>shot_error…]).",
            DefaultValueFactory = _ => "runs",
        };
        public Option<Choice<ComputeUnit>> Unit { get; } = TypedOption.Parsed("--unit", ComputeUnit.Named, $"{string.Join('|', ComputeUnit.Names)}|cpu:GIB",
            $"Compute axis: {ComputeUnit.FlopsName} (training FLOPs) or device-days of a device preset: tpuv3 (the paper's TPUv3 core-days, the default), " +
            $"the others of {TypedOption.Choices(ComputeUnit.Names)}, or cpu:GIB.", defaultText: "tpuv3");
        public Option<int> Bootstrap { get; } = new("--bootstrap") { Description = "Residual-bootstrap refits for the confidence intervals; 0 (default) uses the delta method, which is instant and measured to cover at its nominal level.", DefaultValueFactory = _ => 0 };
        public Option<double> Level { get; } = new("--level") { Description = "Nominal coverage of the intervals.", DefaultValueFactory = _ => 0.95 };
        public Option<int> HoldOut { get; } = new("--holdout") { Description = "Highest-compute frontier runs held out to measure extrapolation error (0 skips).", DefaultValueFactory = _ => 2 };
        public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the bootstrap resampling.", DefaultValueFactory = _ => 0 };
        public Option<Choice<IReadOnlyList<LawForm>>> Form { get; } = TypedOption.Of("--form", CliNames.LawForms, "all",
            "Law form(s) to fit: power (a·C^-b), floor (a·C^-b + c), saturating (a(C+d)^-b + c), m4 ((E-c)/(e0-E)^alpha = a·C^-b) or all.");

        public Shared()
        {
            Bootstrap.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--bootstrap must be 0 (delta-method intervals) or a positive count of refits"); });
            Level.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and < 1)) r.AddError("--level must lie strictly between 0 and 1, e.g. 0.95"); });
            HoldOut.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--holdout must be 0 or more"); });
        }

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Runs, Unit, Form, Bootstrap, Level, HoldOut, Seed }) command.Options.Add(option);
        }

        public AnalysisOptions Options(ParseResult r)
        {
            int resamples = r.GetValue(Bootstrap);
            return new AnalysisOptions
            {
                ComputeUnit = r.GetValue(Unit)!.Value,
                Forms = r.GetValue(Form)!.Value,
                HoldOut = r.GetValue(HoldOut),
                IntervalLevel = r.GetValue(Level),
                Bootstrap = resamples == 0 ? null : new BootstrapOptions { Resamples = resamples, Level = r.GetValue(Level), Seed = r.GetValue(Seed) },
            };
        }
    }

    /// <summary><c>fit</c>: fits the scaling laws of one metric and prints constants, intervals and extrapolation error.</summary>
    public static Command Fit()
    {
        var shared = new Shared();
        var metric = TypedOption.Parsed("--metric", RunMetric.Parse, MetricNames,
            "Which error to fit: 'test', a shot count such as '10shot' (on the upstream data set), or a target's recorded name such as 'fewshot/mnist_digits/10shot_error'.", defaultText: "test");
        var json = new Option<bool>("--json") { Description = "Print the result as JSON instead of text." };
        var points = new Option<string?>("--points")
        {
            Description = "Fit an (x, error) table instead of recorded runs: a CSV whose header names two columns, x then error " +
                          "(a paper's appendix table, another framework's logs). Every point is fitted as given; no frontier is taken.",
        };
        var curve = new Option<bool>("--curve")
        {
            Description = "Fit learning curves instead of the frontier: each model's test error versus --x, from the evaluations its runs " +
                          "recorded during training (Experiment.Evaluations); --holdout counts its last evaluations held out.",
        };
        var x = TypedOption.Of("--x", CliNames.CurveAxes, "images", "Axis of --curve: images (images seen), steps, or compute (in --unit).");
        var selection = new RunSelectionOptions();
        var command = new Command("fit", "Fit E = a(C + d)^-b + c (and the nested power laws) to the Pareto frontier of recorded runs, with delta-method intervals (residual-bootstrap with --bootstrap) for the forms the data identify, and the extrapolation error on the most expensive runs.");
        shared.AddTo(command);
        command.Options.Add(metric);
        command.Options.Add(json);
        command.Options.Add(points);
        command.Options.Add(curve);
        command.Options.Add(x);
        selection.AddTo(command);
        command.Validators.Add(c =>
        {
            if (c.GetValue(curve) && c.GetValue(points) is not null) c.AddError("--curve and --points exclude each other: --points fits a table, --curve the runs' learning curves.");
            if (selection.Used(c) && (c.GetValue(curve) || c.GetValue(points) is not null))
                c.AddError("--only and --mean-over select recorded runs for the frontier fit; they do not apply with --curve or --points.");
        });
        command.SetAction(r =>
        {
            if (r.GetValue(curve)) return FitCurves(r, shared, r.GetValue(x)!.Value, r.GetValue(json));
            if (r.GetValue(points) is { } table)
            {
                var fitted = ScalingAnalysis.AnalysePoints(PointTable.Read(table), table, shared.Options(r));
                if (r.GetValue(json)) r.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(FitJson.Of(fitted), FitJson.Options));
                else
                {
                    r.InvocationConfiguration.Output.WriteLine($"{table}: {fitted.Points.Count} points");
                    WriteLaws(r.InvocationConfiguration.Output, fitted.Laws, fitted.Selection, fitted.Notes, check: fitted.SelectionCheck);
                }
                return ExitCodes.Success;
            }
            var source = RunSources.Open(r.GetValue(shared.Runs)!);
            var (runs, replicates) = RunAverage.Replicates(selection.Apply(r, source.ReadRuns()));
            var analysis = ScalingAnalysis.Analyse(runs, r.GetValue(metric)!.Value, shared.Options(r));
            if (replicates is not null) analysis = analysis with { Notes = [replicates, .. analysis.Notes] };
            var output = r.InvocationConfiguration.Output;
            if (r.GetValue(json)) output.WriteLine(JsonSerializer.Serialize(FitJson.Of(analysis), FitJson.Options));
            else WriteText(output, analysis);
            // No law fitted (too few runs, say) is a finding the notes explain, not a failure of the command.
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>report</c>: writes report.md and the figures for every metric of the recorded runs.</summary>
    public static Command Report()
    {
        var shared = new Shared();
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory for report.md and the PNG figures.", DefaultValueFactory = _ => new DirectoryInfo("report") };
        var metrics = TypedOption.List("--metric", RunMetric.Parse, MetricNames,
            "Metrics to report (comma-separated or repeated): 'test', '10shot', 'fewshot/mnist_digits/10shot_error', …; default: every metric the runs have.");
        var command = new Command("report", "Write report.md with fitted scaling laws, confidence intervals and extrapolation errors, plus figures: error vs compute with the fitted law and its band, error vs images seen per model, few-shot vs test error.");
        shared.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(metrics);
        command.SetAction(r =>
        {
            var source = RunSources.Open(r.GetValue(shared.Runs)!);
            var chosen = r.GetValue(metrics) is { Items.Count: > 0 } named ? named.Items : null;
            var curves = source is StoreRunSource store ? store.Curves().ReadCurves() : null;
            var (_, files) = ScalingReport.Write(source.ReadRuns(), r.GetValue(output)!.FullName, shared.Options(r), chosen, source.Description, curves);
            foreach (var f in files) r.InvocationConfiguration.Output.WriteLine(f);
            return ExitCodes.Success;
        });
        return command;
    }

    private static int FitCurves(ParseResult r, Shared shared, CurveAxis axis, bool json)
    {
        var path = r.GetValue(shared.Runs)!;
        if (RunSources.Open(path) is not StoreRunSource store)
            throw new UsageException($"--curve reads the evaluations recorded during training, which only a results store holds; '{path}' is not one. Pass a runs folder or its results.db.");
        var options = shared.Options(r);
        var curves = LearningCurves.Analyse(store.Curves().ReadCurves(), axis, options);
        var output = r.InvocationConfiguration.Output;
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(curves.Select(c => FitJson.Of(c, options.ComputeUnit)).ToList(), FitJson.Options));
            return ExitCodes.Success;
        }
        if (curves.Count == 0) output.WriteLine($"{path}: no learning curves (no succeeded trial recorded evaluations during training; see Experiment.Evaluations).");
        foreach (var c in curves)
        {
            output.WriteLine($"{c.Curve.Label}: {c.Points.Count} evaluations from {c.Curve.Runs.Count} run(s), x = {LearningCurves.AxisLabel(axis, options.ComputeUnit).ToLowerInvariant()}");
            WriteLaws(output, c.Laws, c.Selection, c.Notes, "last evaluations", c.SelectionCheck);
        }
        if (curves.Count > 0) output.WriteLine($"note: {CurveAnalysis.IntervalCaveat}");
        return ExitCodes.Success;
    }

    private static void WriteText(TextWriter output, MetricAnalysis a)
    {
        output.WriteLine($"{a.Metric}: {a.Runs.Count} runs, {a.Frontier.Count} on the frontier; compute in {a.ComputeUnit.Description}");
        WriteLaws(output, a.Laws, a.Selection, a.Notes, check: a.SelectionCheck);
    }

    private static void WriteLaws(TextWriter output, IReadOnlyList<LawAnalysis> laws, Selection? selected, IReadOnlyList<string> notes,
        string heldOut = "most expensive runs", SelectionCheck? check = null)
    {
        foreach (var l in laws)
        {
            output.WriteLine($"  {l.Form}: {l.Fit.Law}   (loss {l.Fit.Loss:G4}, max grad {l.Fit.GradientNorm:G2}, {(l.Fit.Converged ? "converged" : "NOT converged")}, {l.Fit.StartsReachingBest}/{l.Fit.Starts} starts at best, fit {l.FitTime.TotalMilliseconds:F0} ms)");
            output.WriteLine($"    {l.Identification}{(l.Identification.Identified ? "" : " (point estimates only, no delta-method intervals)")}");
            if (l.FloorProfile is { } profile)
                output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"    c: {100 * profile.Interval.Level:0.#}% profile-likelihood interval {profile}"));
            if (l.Intervals is { } b)
                foreach (int i in l.Fit.Law.FreeIndices)
                    output.WriteLine($"    {ScalingLaw.Names[i]} = {l.Fit.Law.Values[i]:G4}  {b.Level:P0} {b.Method} CI [{b.Parameter(i).Lower:G4}, {b.Parameter(i).Upper:G4}]");
            if (l.Extrapolation is { } e)
                output.WriteLine($"    extrapolation to the {e.HeldOut.Count} {heldOut}: mean |log error| {e.MeanAbsLogError:P1}, RMS {e.RmsLogError:P1}, max relative error {e.MaxAbsRelativeError:P1}");
        }
        if (selected is { } chosen) output.WriteLine($"  fit predicts with: {chosen} ({chosen.Rule})");
        if (check is not null)
            output.WriteLine($"  {ScalingReport.SelectionSentence(check, heldOut)}");
        foreach (var n in notes) output.WriteLine($"  note: {n}");
    }
}

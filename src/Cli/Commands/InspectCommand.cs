using System.CommandLine;
using ViTDsl.Runtime;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Weights;

namespace ViTDsl.Cli;

/// <summary>
/// <c>vitdsl inspect FILE</c>: the tensors of a weight file (safetensors or npz), and which declared shapes they fit
/// under which naming convention — or, when none, the closest declaration and the first tensor that does not fit it.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(IReadOnlyList<GeneratedExperiment> experiments, IReadOnlyList<GeneratedSweep> sweeps)
    {
        var file = new Argument<string>("file") { Description = "A .safetensors or .npz weight file." };
        var command = new Command("inspect", "List a weight file's tensors and the declared experiments whose shape they fit (timm, big_vision or ViTDsl names).");
        command.Arguments.Add(file);
        command.SetAction(parsed =>
        {
            using var weights = WeightFiles.Read(parsed.GetValue(file)!);
            foreach (var tensorName in weights.Names)
            {
                var tensor = weights.Tensors[tensorName];
                Console.Out.WriteLine($"{tensorName,-70} {WeightDtype.Of(tensor.dtype).SafeTensors,-5} {WeightSet.Describe(tensor.shape)}");
            }
            var all = experiments.Concat(sweeps.SelectMany(s => s.Trials)).ToList();
            var fits = Fits(weights, all);
            if (fits.Count > 0)
            {
                foreach (var (convention, names) in fits)
                    Console.Out.WriteLine($"fits with {WeightNamesVocabulary.NameOf(convention)} names: {string.Join(", ", names.Take(12))}{(names.Count > 12 ? $" and {names.Count - 12} more" : "")}");
                return ExitCodes.Success;
            }
            Console.Out.WriteLine($"fits no declared shape; closest: {Closest(weights, all)}");
            return ExitCodes.Failure;
        });
        return command;
    }

    private static List<(WeightNames Convention, List<string> Names)> Fits(WeightSet weights, List<GeneratedExperiment> all) =>
        Enum.GetValues<WeightNames>()
            .Select(c => (Convention: c, Names: all.Where(e => Fit(weights, e.Declaration.Model, c) is null).Select(CatalogLookup.Key).ToList()))
            .Where(f => f.Names.Count > 0).ToList();

    /// <summary>The declaration and convention that share the most tensor names and shapes with the file, and why it does not fit.</summary>
    private static string Closest(WeightSet weights, List<GeneratedExperiment> all)
    {
        var best = all.SelectMany(e => Enum.GetValues<WeightNames>().Select(c => (Experiment: e, Convention: c)))
            .Select(x => (x.Experiment, x.Convention, Score: Score(weights, x.Experiment.Declaration.Model, x.Convention)))
            .OrderByDescending(x => x.Score).First();
        return $"{CatalogLookup.Key(best.Experiment)} with {WeightNamesVocabulary.NameOf(best.Convention)} names: {Fit(weights, best.Experiment.Declaration.Model, best.Convention)}";
    }

    private static string? Fit(WeightSet weights, Vit shape, WeightNames convention)
    {
        try { return ForeignWeights.Mismatch(weights, shape, convention); }
        catch (InvalidDataException e) { return e.Message; }
    }

    private static int Score(WeightSet weights, Vit shape, WeightNames convention)
    {
        var found = convention == WeightNames.BigVision ? Safe(() => ForeignWeights.Named(weights, convention)) : weights.Tensors;
        if (found is null) return -1;
        return WeightConventions.Expected(shape, convention).Count(e => found.TryGetValue(e.Name, out var t) && t.shape.SequenceEqual(e.Shape)) * 2
               + WeightConventions.Expected(shape, convention).Count(e => found.ContainsKey(e.Name));
    }

    private static T? Safe<T>(Func<T> get) where T : class
    {
        try { return get(); }
        catch (InvalidDataException) { return null; }
    }
}

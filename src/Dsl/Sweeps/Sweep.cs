using System;
using System.Collections.Generic;
using System.Linq;

namespace ViTDsl;

/// <summary>
/// A study: a baseline experiment and the axes to vary it over; its trials are the cartesian product of the axes.
/// Compose F#-style: <c>Sweep.From(baseline) * models * trainingImages * steps</c>.
/// </summary>
public sealed record Sweep(Experiment Baseline, ValueList<Axis> Axes)
{
    private readonly double? _trialTimeLimitSeconds;

    /// <summary>
    /// The most wall time, in seconds, one attempt of a trial may take; a worker still running then is killed and the
    /// trial retried once from its last checkpoint. Null (default): <see cref="SweepFacts.DefaultTrialTimeLimit"/>,
    /// derived from the build-time estimate of the longest trial. Declare it with
    /// <c>(Sweep.From(…) * axis * …) with { TrialTimeLimitSeconds = 1800 }</c>.
    /// </summary>
    public double? TrialTimeLimitSeconds
    {
        get => _trialTimeLimitSeconds;
        init => _trialTimeLimitSeconds = value is null || (value > 0 && !double.IsInfinity(value.Value))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(TrialTimeLimitSeconds), value,
                "A trial time limit is a positive number of seconds (or null for the default derived from the sweep's estimate).");
    }

    public static Sweep From(Experiment baseline) => new(baseline, ValueList<Axis>.Empty);

    /// <summary>Adds an axis to the product.</summary>
    public static Sweep operator *(Sweep sweep, Axis axis)
    {
        if (sweep.Axes.Any(a => a.Name == axis.Name))
            throw new ArgumentException($"The sweep already has an axis named '{axis.Name}'; name each axis once.", nameof(axis));
        return sweep with { Axes = new ValueList<Axis>(sweep.Axes.Concat(new[] { axis })) };
    }

    /// <summary>Every trial, in a stable order: the last axis varies fastest.</summary>
    public IReadOnlyList<Trial> Trials()
    {
        IEnumerable<(Experiment Experiment, IEnumerable<string> Labels)> trials = new[] { (Baseline, Enumerable.Empty<string>()) };
        foreach (var axis in Axes)
            trials = trials.SelectMany(t => axis.Points.Select(p => (p.Apply(t.Experiment), t.Labels.Append($"{axis.Name}={p.Label}"))));
        return trials.Select(t => new Trial(Trial.NameOf(t.Labels), t.Experiment)).ToList();
    }

    /// <summary>Number of trials: the product of the axes' lengths.</summary>
    public int Count => Axes.Aggregate(1, (n, a) => n * a.Points.Count);
}

/// <summary>One point of a sweep: a stable name and the experiment to run.</summary>
public sealed record Trial(string Name, Experiment Experiment)
{
    /// <summary>"axis=label,axis=label"; "baseline" for a sweep without axes.</summary>
    public static string NameOf(IEnumerable<string> labels)
    {
        var name = string.Join(",", labels);
        return name.Length == 0 ? "baseline" : name;
    }
}

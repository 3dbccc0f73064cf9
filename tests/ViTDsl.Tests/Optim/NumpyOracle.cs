using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ViTDsl.Tests.Optim;

/// <summary>
/// Runs reference_optimizers.py (numpy, Debian's python3-numpy) as an independent oracle: the same chain written
/// from the formulas in float64, sharing no code with the C# implementation.
/// </summary>
internal static class NumpyOracle
{
    public static JsonNode Run(JsonObject input)
    {
        var script = Path.Combine(SourceDirectory(), "reference_optimizers.py");
        var inputFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(inputFile, input.ToJsonString());
            // Debian's interpreter carries python3-numpy; a python3 earlier on PATH (pyenv, venv) may not.
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(inputFile);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start; install python3 and python3-numpy.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"numpy oracle failed (it needs python3-numpy): {stderr.Result}");
            return JsonNode.Parse(stdout.Result)!;
        }
        finally
        {
            File.Delete(inputFile);
        }
    }

    /// <summary>The optimizer as the oracle's JSON.</summary>
    public static JsonObject Describe(Optimizer optimizer) => optimizer switch
    {
        Optimizer.Adam a => new() { ["kind"] = "adam", ["beta1"] = a.Beta1, ["beta2"] = a.Beta2, ["eps"] = a.Epsilon, ["first_moment"] = a.FirstMoment.ToString() },
        Optimizer.Adafactor f => new()
        {
            ["kind"] = "adafactor", ["momentum"] = f.Momentum, ["momentum_dtype"] = f.MomentumDtype.ToString(), ["beta2_cap"] = f.Beta2Cap,
            ["decay_rate"] = f.DecayRate, ["min_dim"] = f.MinDimToFactor, ["eps"] = f.Epsilon, ["clip"] = f.ClipThreshold,
        },
        Optimizer.Sgd s => new() { ["kind"] = "sgd", ["momentum"] = s.Momentum, ["momentum_dtype"] = s.MomentumDtype.ToString(), ["nesterov"] = s.Nesterov },
        _ => throw new InvalidOperationException("unreachable"),
    };

    /// <summary>Adds big_vision's layout ("view", "perm") to a tensor's JSON, unless it has none.</summary>
    public static JsonObject Layout(ParameterLayout? layout, JsonObject tensor)
    {
        if (layout is null) return tensor;
        tensor["view"] = new JsonArray(layout.View.Select(d => (JsonNode)JsonValue.Create(d)).ToArray());
        tensor["perm"] = new JsonArray(layout.Permutation.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
        return tensor;
    }

    public static JsonArray Array(IEnumerable<float> values) => new(values.Select(v => (JsonNode)JsonValue.Create((double)v)).ToArray());

    public static double[] Doubles(JsonNode node) => node.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ViTDsl.Runtime.Analysis;

namespace ViTDsl.Tests.Analysis;

/// <summary>
/// Runs reference_curve_fit.py (scipy's curve_fit, Debian's python3-scipy) as an independent baseline: each law form
/// fitted by plain least squares on log error, sharing no code with the C# fitter.
/// </summary>
internal static class ScipyOracle
{
    /// <summary>One fitting task: a form, the points to fit, and where to predict.</summary>
    public sealed record Task(LawForm Form, IReadOnlyList<ScalingPoint> Train, IReadOnlyList<double> Predict);

    /// <summary>scipy's predictions for each task, or null where curve_fit gave up.</summary>
    public static IReadOnlyList<double[]?> Predict(IReadOnlyList<Task> tasks, string script = "reference_curve_fit.py")
    {
        var request = new JsonObject
        {
            ["datasets"] = new JsonArray(tasks.Select(t => (JsonNode)new JsonObject
            {
                ["form"] = t.Form.ToString(),
                ["train"] = new JsonArray(t.Train.Select(p => (JsonNode)new JsonArray(p.Compute, p.Error)).ToArray()),
                ["predict"] = new JsonArray(t.Predict.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
            }).ToArray()),
        };
        var inputFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(inputFile, request.ToJsonString());
            // Debian's interpreter carries python3-scipy; a python3 earlier on PATH (pyenv, venv) may not.
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(SourceDirectory(), script));
            start.ArgumentList.Add(inputFile);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start; install python3 and python3-scipy.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"scipy oracle failed (it needs python3-scipy): {stderr.Result}");
            return JsonNode.Parse(stdout.Result)!["predictions"]!.AsArray()
                .Select(p => p?.AsArray().Select(v => v!.GetValue<double>()).ToArray()).ToList();
        }
        finally
        {
            File.Delete(inputFile);
        }
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ViTDsl.Runtime.Models;
using ViTDsl.Runtime.Weights;
using static TorchSharp.torch;

namespace ViTDsl.Tests.Weights;

/// <summary>
/// Runs reference_vit.py (Debian's python3-torch): a ViT written independently in PyTorch with timm's parameter names
/// and its own safetensors reader/writer and big_vision conversion, in float64.
/// </summary>
internal static class TorchOracle
{
    public static void Run(JsonObject job)
    {
        var jobFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(jobFile, job.ToJsonString());
            var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(SourceDirectory(), "reference_vit.py"));
            start.ArgumentList.Add(jobFile);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"the PyTorch oracle failed (it needs python3-torch): {stderr.Result}");
        }
        finally
        {
            File.Delete(jobFile);
        }
    }

    /// <summary>The oracle's description of a shape.</summary>
    public static JsonObject Config(Vit m) => new()
    {
        ["patch"] = m.Patch, ["width"] = m.Width, ["depth"] = m.Depth, ["mlp"] = m.Mlp, ["heads"] = m.Heads,
        ["channels"] = m.Channels, ["image"] = m.Image, ["classes"] = m.Classifier.Classes,
        ["pool"] = m.Pool switch { Pool.Token => "token", Pool.Gap => "gap", _ => "map" },
    };

    /// <summary>Images the oracle reads (float64, [batch, C, H, W]), written as safetensors.</summary>
    public static Tensor Images(Vit m, string path, int batch = 3, long seed = 5)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        var images = randn([batch, m.Channels, m.Image, m.Image], dtype: float64, generator: generator);
        SafeTensorsFile.Write(path, [KeyValuePair.Create("images", images)]);
        return images;
    }

    /// <summary>Random weights for every parameter (the generated head starts at zero, which would hide a wrong classifier).</summary>
    public static void Randomize(VitModule model, long seed = 7)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            using var noise = randn(p.shape, dtype: p.dtype, generator: generator).mul_(0.1);
            if (name.EndsWith("norm.weight") || name.EndsWith("norm1.weight") || name.EndsWith("norm2.weight")) noise.add_(1.0);
            p.copy_(noise);
        }
    }

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeDifference(Tensor a, Tensor b) =>
        a.to(float64).sub(b.to(float64)).abs().max().item<double>() / b.to(float64).abs().max().item<double>();

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

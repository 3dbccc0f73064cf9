using System.Diagnostics;
using ViTDsl.Runtime.Data;

namespace ViTDsl.Experiments.Cli;

/// <summary>Makes sure the data a command needs is there before work starts: installs Fashion-MNIST when it can, else says how.</summary>
public static class DataAvailability
{
    public static bool Ensure(IEnumerable<DataSet> sets)
    {
        foreach (var fashion in sets.OfType<DataSet.FashionMnist>().Distinct())
        {
            if (File.Exists(Path.Combine(fashion.Directory, "train-images-idx3-ubyte.gz"))) continue;
            if (fashion.Directory == DataSet.FashionMnistDirectory && TryInstall()) continue;
            Console.Error.WriteLine($"error: Fashion-MNIST is not in {fashion.Directory}. Install it with `{DataSetLoader.FashionMnistInstall}` " +
                                    "(Debian/Ubuntu), or point DataSet.FashionMnist's Directory at the four IDX files.");
            return false;
        }
        return true;
    }

    // As root with apt available (a fresh CI or container), install the Debian package rather than fail.
    private static bool TryInstall()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get")) return false;
        Console.Error.WriteLine("Fashion-MNIST is missing; installing the Debian package dataset-fashion-mnist …");
        try
        {
            using var install = Process.Start(new ProcessStartInfo("/usr/bin/apt-get", "install -y -q dataset-fashion-mnist") { RedirectStandardOutput = true })!;
            install.StandardOutput.ReadToEnd();
            install.WaitForExit();
            return install.ExitCode == 0 && File.Exists(Path.Combine(DataSet.FashionMnistDirectory, "train-images-idx3-ubyte.gz"));
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}

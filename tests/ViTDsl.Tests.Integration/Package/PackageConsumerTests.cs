using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;
using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Package;

/// <summary>
/// ViTDsl as a researcher outside this repository meets it: the packages `dotnet pack` makes, in a local feed; a new
/// project from `dotnet new vitdsl` in a temporary folder, restored offline from that feed and this machine's
/// packages; a second, invalid declaration that fails the build at its own line; then, fixed, a build and a short
/// training run of the template's <c>Smoke</c> through the project's own command line. Slow (a restore and two builds
/// of a fresh project), so serial and in one test.
/// </summary>
[Collection(SerialCollection.Name)]
public class PackageConsumerTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(5);
    private readonly TempFolder temp = new();

    private const string InvalidDeclaration = """
        using ViTDsl;

        namespace SmokeApp;

        [Experiments]
        public static partial class Wide
        {
            public static Experiment TooWide => new(new Vit(Patch: 7, Width: 30, Depth: 1, Mlp: 64, Heads: 4) { Image = 28, Channels = 1, Classifier = new Classifier(Classes: 10) });
        }
        """;
    private const int InvalidLine = 8; // the line of TooWide above: 30 is not divisible by 4 heads

    [Fact]
    public void A_new_project_from_the_packages_reports_a_located_error_then_builds_and_trains_Smoke()
    {
        var root = RepositoryRoot();
        var configuration = typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var feed = temp.File("feed");
        var hive = temp.File("template-hive");
        var app = temp.File("SmokeApp");
        Assert.False(app.StartsWith(root, StringComparison.Ordinal), "the project must live outside the repository");

        // The test project references both packable projects, so they are built: pack without building again.
        foreach (var project in new[] { "src/Package/ViTDsl.Package.csproj", "templates/ViTDsl.Templates/ViTDsl.Templates.csproj" })
            Step("pack " + project, root, ["pack", Path.Combine(root, project), "--no-build", "-c", configuration, "-o", feed]);
        var package = Assert.Single(Directory.GetFiles(feed, "ViTDsl.0*.nupkg"));
        AssertPackageContents(package, root);

        Step("template install", temp.Path, ["new", "install", Assert.Single(Directory.GetFiles(feed, "ViTDsl.Templates.*.nupkg")), "--debug:custom-hive", hive]);
        Step("dotnet new vitdsl", temp.Path, ["new", "vitdsl", "-n", "SmokeApp", "-o", app, "--debug:custom-hive", hive]);
        OfflineFeed.WriteConfig(app, feed, temp.File("packages"));

        var wide = Path.Combine(app, "Wide.cs");
        File.WriteAllText(wide, InvalidDeclaration);
        var failed = DotnetCommand.Run(app, ["build", "--disable-build-servers"], StepLimit);
        log.WriteLine($"restore + build with the invalid declaration: {failed.Elapsed.TotalSeconds:F1} s");
        Assert.True(failed.ExitCode != 0, "the invalid declaration must fail the build:\n" + failed.Everything);
        var errors = Regex.Matches(failed.Output, @"^\s*(?<file>\S+)\((?<line>\d+),\d+\): error (?<id>[A-Z]+\d+):", RegexOptions.Multiline)
            .Select(m => (File: m.Groups["file"].Value, Line: int.Parse(m.Groups["line"].Value), Id: m.Groups["id"].Value)).Distinct().ToList();
        Assert.Equal(new[] { (wide, InvalidLine, "VIT003") }, errors);

        File.WriteAllText(wide, InvalidDeclaration.Replace("Width: 30", "Width: 32"));
        var built = Step("build after the fix", app, ["build", "--disable-build-servers"]);
        Assert.DoesNotContain(": error", built.Output);

        var program = Assert.Single(Directory.GetFiles(Path.Combine(app, "bin"), "SmokeApp.dll", SearchOption.AllDirectories));
        var listing = JsonDocument.Parse(Step("list", app, [program, "list", "--json"]).Output).RootElement;
        Assert.Equal(new[] { "Smoke", "TooWide" }, listing.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("name").GetString()).Order());

        var trained = JsonDocument.Parse(Step("train Smoke", app, [program, "train", "Smoke", "--runs", temp.File("runs"), "--threads", "1", "--json"]).Output).RootElement;
        // The template's Smoke: 30 steps of 16 synthetic images, 10 classes. One thread: on a loaded machine libtorch's
        // default thread pool made these 30 steps seven times slower.
        Assert.Equal(30, trained.GetProperty("steps").GetInt64());
        Assert.Equal(30 * 16, trained.GetProperty("imagesSeen").GetInt64());
        Assert.True(double.IsFinite(trained.GetProperty("finalTrainLoss").GetDouble()));
        Assert.InRange(trained.GetProperty("testError").GetDouble(), 0, 1);
        Assert.Single(Directory.GetFiles(temp.File("runs"), "result.json", SearchOption.AllDirectories));
    }

    /// <summary>The package holds its libraries, the generator as an analyzer, the native fix for every
    /// consuming project, a readme, and depends on exactly the packages its libraries reference.</summary>
    private static void AssertPackageContents(string package, string root)
    {
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var expected in new[]
                 {
                     "lib/net10.0/ViTDsl.Dsl.dll", "lib/net10.0/ViTDsl.Runtime.Common.dll", "lib/net10.0/ViTDsl.Runtime.Training.dll",
                     "lib/net10.0/ViTDsl.Runtime.Analysis.dll", "lib/net10.0/ViTDsl.Runtime.Sweeps.dll", "lib/net10.0/ViTDsl.Cli.dll",
                     "analyzers/dotnet/cs/ViTDsl.Generators.dll",
                     "buildTransitive/ViTDsl.targets", "buildTransitive/GlibcxxCompat.targets", "buildTransitive/GlibcxxCompatPatch.cs",
                     "README.md",
                 })
            Assert.Contains(expected, entries);

        using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.NamespaceName;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).Order().ToList();
        var referenced = new[] { "src/Runtime/Common/ViTDsl.Runtime.Common.csproj", "src/Runtime/Training/ViTDsl.Runtime.Training.csproj",
                "src/Runtime/Analysis/ViTDsl.Runtime.Analysis.csproj", "src/Runtime/Sweeps/ViTDsl.Runtime.Sweeps.csproj", "src/Cli/ViTDsl.Cli.csproj" }
            .SelectMany(p => XDocument.Load(Path.Combine(root, p)).Descendants("PackageReference"))
            .Where(r => r.Attribute("PrivateAssets")?.Value != "all")
            .Select(r => r.Attribute("Include")!.Value).Distinct().Order().ToList();
        Assert.Equal(referenced, dependencies);
        Assert.DoesNotContain("TorchSharp-cpu", dependencies); // the application chooses the backend
    }

    private DotnetCommand.Result Step(string name, string directory, string[] args)
    {
        var result = DotnetCommand.Run(directory, args, StepLimit);
        log.WriteLine($"{name}: {result.Elapsed.TotalSeconds:F1} s");
        Assert.True(result.ExitCode == 0, $"{name} failed ({result.ExitCode}):\n{result.Everything}");
        return result;
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ViTDsl.sln"))) return d.FullName;
        throw new InvalidOperationException("ViTDsl.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose() => temp.Dispose();
}

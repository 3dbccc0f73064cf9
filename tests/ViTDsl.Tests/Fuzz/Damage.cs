using System.Collections.Concurrent;
using FsCheck;
using FsCheck.Fluent;

namespace ViTDsl.Tests.Fuzz;

/// <summary>
/// What a disk, a copy or a crash can do to a file: cut it short, or flip a few of its bytes (half the time within
/// its first <see cref="HeadBytes"/> bytes, where headers and lengths live). Positions are drawn as fractions of the
/// length, so one generator fits files of any size.
/// </summary>
public sealed record Damage(bool Truncate, double Cut, (double Where, bool InHead, byte Xor)[] Flips)
{
    public const int HeadBytes = 64;

    public static Arbitrary<Damage> Arbitrary { get; } = Arb.From(
        from truncate in Gen.Elements(true, false)
        from cut in Gen.Choose(0, 999_999).Select(i => i / 1e6)
        from flips in Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(
            from at in Gen.Choose(0, 999_999).Select(i => i / 1e6)
            from inHead in Gen.Elements(true, false)
            from xor in Gen.Choose(1, 255).Select(x => (byte)x)
            select (at, inHead, xor), n))
        select new Damage(truncate, cut, flips));

    /// <summary>The damaged copy of <paramref name="original"/> (never equal to it).</summary>
    public byte[] Apply(byte[] original)
    {
        if (Truncate) return original[..(int)(Cut * original.Length)];
        var damaged = original.ToArray();
        foreach (var (where, inHead, xor) in Flips)
            damaged[(int)(where * (inHead ? Math.Min(HeadBytes, damaged.Length) : damaged.Length))] ^= xor;
        return damaged.AsSpan().SequenceEqual(original) ? Flip(damaged) : damaged; // two flips of one byte may cancel
    }

    private static byte[] Flip(byte[] bytes)
    {
        bytes[0] ^= 0x01;
        return bytes;
    }

    public override string ToString() => Truncate ? $"truncated to {Cut:P4}" : "flipped " + string.Join(", ", Flips.Select(f => $"{(f.InHead ? "head" : "file")}@{f.Where:F6}^0x{f.Xor:x2}"));
}

/// <summary>Counts the outcomes of a fuzzing run by name, for the test's output (and the report).</summary>
public sealed class Outcomes
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public void Add(string outcome) => _counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    public int this[string outcome] => _counts.GetValueOrDefault(outcome);

    public int Total => _counts.Values.Sum();

    public override string ToString() => string.Join(", ", _counts.OrderByDescending(p => p.Value).Select(p => $"{p.Key}: {p.Value}"));
}

internal static class Fuzzing
{
    /// <summary>Runs <paramref name="check"/> on <paramref name="cases"/> generated damages, throwing on the first that fails.</summary>
    public static void Run(int cases, Action<Damage> check) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true), Prop.ForAll(Damage.Arbitrary, check));

    /// <summary>Fails when <paramref name="read"/> takes longer than <paramref name="limit"/>: a damaged file must never hang a reader.</summary>
    public static T Within<T>(TimeSpan limit, Func<T> read, string what)
    {
        var task = Task.Run(read);
        if (Task.WaitAny([task], limit) < 0) throw new TimeoutException($"reading {what} did not finish within {limit.TotalSeconds} s");
        return task.GetAwaiter().GetResult();
    }
}

namespace ViTDsl.Tests.SourceGeneration;

// A sweep trial is printed as `Baseline with { … }`. A change inside a member typed as an abstract record (the
// schedule's Decay) cannot be written as `….Decay with { Timescale = … }` — Decay has no Timescale — so that member is
// written out whole; a change inside a sealed record's member stays a nested `with`.
public class PrettyChangesTests
{
    private static readonly Experiment Baseline = new(Vit.Ti(16)) { Schedule = new ViTDsl.Schedule(10, new Decay.Rsqrt(100), 20) };

    [Fact]
    public void A_change_inside_an_abstract_member_writes_that_member_whole()
    {
        var trial = Baseline with { Schedule = Baseline.Schedule with { Decay = new Decay.Rsqrt(50) } };
        var text = SourceText.PrettyChanges("Baseline", Baseline, trial);
        Assert.DoesNotContain("Decay with", text);
        Assert.Contains("Decay = new global::ViTDsl.Decay.Rsqrt(Timescale: 50L)", text);
        Assert.Contains("Schedule = Baseline.Schedule with {", text);
    }

    [Fact]
    public void A_change_inside_a_sealed_member_stays_a_nested_with()
    {
        var trial = Baseline with { Model = Baseline.Model with { Width = 96 } };
        Assert.Equal("Baseline with { Model = Baseline.Model with { Width = 96 } }", SourceText.PrettyChanges("Baseline", Baseline, trial));
    }
}

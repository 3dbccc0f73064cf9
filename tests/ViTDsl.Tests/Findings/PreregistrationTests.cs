using ViTDsl.Experiments.Findings;
using ViTDsl.Runtime.Analysis.Findings;
using ViTDsl.Runtime.Store;

namespace ViTDsl.Tests.Findings;

// Pre-registration: a finding's protocol is stored before its study's data, and a change afterwards withholds the verdict.
public class PreregistrationTests
{
    private static readonly DateTime Then = new(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Now = new(2026, 12, 4, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_hash_is_sha256_of_the_protocol_text()
    {
        // Oracle: sha256("abc") from FIPS 180-2's test vectors.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", new Protocol("x", "abc").Hash);
    }

    [Fact]
    public void A_protocol_is_fixed_before_data_and_stays_unchanged()
    {
        var protocol = new Protocol("pooling", "rule: ±0.02");
        var (first, stored) = RegistrationCheck.Decide(null, protocol, hasResults: false, Then, acceptChange: false);
        Assert.Equal(RegistrationState.Fixed, first.State);
        Assert.NotNull(stored);
        var (later, again) = RegistrationCheck.Decide(stored, protocol, hasResults: true, Now, acceptChange: false);
        Assert.Equal(RegistrationState.Unchanged, later.State);
        Assert.Null(again);
        Assert.Equal(Then, later.Current.FixedUtc);
        Assert.False(later.WithholdsVerdict);
        Assert.Contains("before any result", later.Describe());
    }

    [Fact]
    public void A_change_before_any_result_replaces_the_protocol_and_is_said()
    {
        var (_, stored) = RegistrationCheck.Decide(null, new Protocol("pooling", "rule: ±0.02"), false, Then, false);
        var (check, replaced) = RegistrationCheck.Decide(stored, new Protocol("pooling", "rule: ±0.03"), hasResults: false, Now, false);
        Assert.Equal(RegistrationState.RevisedBeforeData, check.State);
        Assert.NotNull(replaced);
        Assert.False(check.WithholdsVerdict);
        Assert.Contains($"replaced {stored!.ShortHash}", check.Describe());
    }

    [Fact]
    public void A_change_after_data_keeps_the_old_record_and_withholds_the_verdict_unless_accepted()
    {
        var (_, stored) = RegistrationCheck.Decide(null, new Protocol("pooling", "rule: ±0.02"), false, Then, false);
        var changed = new Protocol("pooling", "rule: ±0.05");
        var (check, toStore) = RegistrationCheck.Decide(stored, changed, hasResults: true, Now, acceptChange: false);
        Assert.Equal(RegistrationState.ChangedAfterData, check.State);
        Assert.Null(toStore); // the record of what was fixed before the data stays
        Assert.True(check.WithholdsVerdict);
        Assert.Contains($"rule changed after data** (was {stored!.ShortHash}", check.Describe());
        var (accepted, _) = RegistrationCheck.Decide(stored, changed, hasResults: true, Now, acceptChange: true);
        Assert.False(accepted.WithholdsVerdict);
        Assert.Contains("--accept-changed-rule", accepted.Describe());
    }

    [Fact]
    public void A_protocol_first_seen_when_results_already_exist_is_not_called_pre_registered()
    {
        var (check, stored) = RegistrationCheck.Decide(null, new Protocol("pooling", "rule"), hasResults: true, Now, false);
        Assert.Equal(RegistrationState.FixedAfterData, check.State);
        Assert.True(check.WithholdsVerdict);
        var (later, _) = RegistrationCheck.Decide(stored, new Protocol("pooling", "rule"), hasResults: true, Now, false);
        Assert.Equal(RegistrationState.FixedAfterData, later.State); // it never becomes "before any result"
    }

    [Fact]
    public void The_protocol_hash_covers_the_margin_the_rule_and_the_study_declaration()
    {
        var recipe = ExperimentCatalogAccess.Sweeps.Single(s => s.Name == nameof(FindingStudies.FindingRecipe));
        var schedules = ExperimentCatalogAccess.Sweeps.Single(s => s.Name == nameof(FindingStudies.FindingSchedules));
        var planning = SeedPlanning.Of(recipe);
        var pooling = FindingCatalog.Pooling;
        string Hash(Finding f, Runtime.Models.GeneratedSweep s, int testImages = 0) => f.ProtocolFor(s, testImages, SeedPlanning.Of(s)).Hash;
        Assert.Equal(Hash(pooling, recipe), Hash(pooling, recipe));
        Assert.NotEqual(Hash(pooling, recipe), Hash(pooling with { Rule = new VerdictRule.Matches(0.05) }, recipe));
        Assert.NotEqual(Hash(pooling, recipe), Hash(pooling with { PlanningMargin = 0.04 }, recipe));
        Assert.NotEqual(Hash(pooling, recipe), Hash(pooling, schedules));
        Assert.NotEqual(Hash(pooling, recipe), Hash(pooling, recipe, testImages: 2000));
        Assert.Equal(10, planning.MaxSeeds);
        Assert.Equal(3, planning.PilotSeeds);
    }

    [Fact]
    public void The_store_keeps_the_first_protocol_and_flags_a_margin_changed_after_a_finished_trial()
    {
        using var folder = new Store.TempFolder();
        using var store = ResultsStore.Open(Path.Combine(folder.Path, "results.db"));
        var recipe = ExperimentCatalogAccess.Sweeps.Single(s => s.Name == nameof(FindingStudies.SmokeFindingRecipe));
        Protocol Of(Finding f) => f.ProtocolFor(recipe, 0, SeedPlanning.Of(recipe));
        Assert.Equal(RegistrationState.Fixed, ProtocolStore.Check(store, recipe.Name, Of(FindingCatalog.Pooling), false, persist: true).State);

        var trial = store.EnsureSweep(recipe.Name, [("variant=paper,seed=0", "{}")]).Single();
        store.CompleteAttempt(store.BeginAttempt(trial.Id), AttemptOutcome.Succeeded, null, null);

        var widened = FindingCatalog.Pooling with { Rule = new VerdictRule.Matches(0.05) };
        var check = ProtocolStore.Check(store, recipe.Name, Of(widened), false, persist: true);
        Assert.Equal(RegistrationState.ChangedAfterData, check.State);
        Assert.True(check.WithholdsVerdict);
        // Checked again (and persisted again), the stored record is still the one fixed before the data.
        Assert.Equal(check.Was, ProtocolStore.Check(store, recipe.Name, Of(widened), false, persist: true).Was);
        Assert.Equal(RegistrationState.Unchanged, ProtocolStore.Check(store, recipe.Name, Of(FindingCatalog.Pooling), false, persist: true).State);
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ViTDsl.Tests.Facts;

// The rules accept exactly the shapes that can be built: checked against the definition written out directly.
public class ShapeRuleProperties
{
    [Property(MaxTest = 300)]
    public void A_shape_has_problems_exactly_when_a_size_is_not_positive_or_does_not_divide(
        int patch, int width, int depth, int mlp, int heads, int image)
    {
        var vit = new Vit(patch % 40, width % 200, depth % 5, mlp % 50, heads % 9) { Image = image % 300 };
        bool positive = vit.Patch > 0 && vit.Width > 0 && vit.Depth > 0 && vit.Mlp > 0 && vit.Heads > 0 && vit.Image > 0;
        bool valid = positive && vit.Width % vit.Heads == 0 && vit.Image % vit.Patch == 0;
        Assert.Equal(valid, ShapeRules.Check(vit).Count == 0);
    }

    [Fact]
    public void Every_paper_preset_is_valid_at_224_and_384_px()
    {
        foreach (var name in new[] { "s/28", "s/16", "S/32", "Ti/16", "B/32", "S/16", "B/28", "B/16", "L/16", "g/14", "G/14" })
            foreach (var image in new[] { 224, 384 })
            {
                var vit = Vit.Named(name) with { Image = image / Vit.Named(name).Patch * Vit.Named(name).Patch };
                Assert.Empty(ShapeRules.Check(vit));
            }
    }

    [Fact]
    public void An_unknown_preset_name_says_which_names_exist()
    {
        var error = Assert.Throws<ArgumentException>(() => Vit.Named("X/16"));
        Assert.Contains("B/16", error.Message);
        Assert.Contains("So400m", error.Message);
    }
}

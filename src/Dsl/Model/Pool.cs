namespace ViTDsl;

/// <summary>
/// How the encoder's tokens become one representation (paper §3.2). A closed union: the cases below are all there is.
/// </summary>
public abstract record Pool
{
    private Pool() { }

    /// <summary>A learned [class] token is prepended; its output is the representation (ViT's original choice).</summary>
    public sealed record Token : Pool;

    /// <summary>Global average pooling over the patch tokens.</summary>
    public sealed record Gap : Pool;

    /// <summary>Multihead attention pooling: a learned probe attends over the tokens (the paper's choice).</summary>
    public sealed record Map : Pool;

    /// <summary>Whether the encoder carries an extra [class] token.</summary>
    public bool HasClassToken => this is Token;

    /// <summary>The short name used in tables, JSON and run names: "token", "gap" or "map".</summary>
    public sealed override string ToString() => this switch
    {
        Token => "token",
        Gap => "gap",
        Map => "map",
        _ => throw new System.InvalidOperationException("unreachable: Pool is closed"),
    };
}

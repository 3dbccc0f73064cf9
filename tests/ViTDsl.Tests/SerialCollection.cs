namespace ViTDsl.Tests;

/// <summary>
/// Test classes that must not share the machine with others: they load every core, measure wall time or force
/// garbage collections. xunit runs this collection after the parallel ones, one class at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}

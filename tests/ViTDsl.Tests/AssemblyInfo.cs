// Test classes run in parallel. Those that use torch's process-wide state (its global generator, its thread count),
// measure time or run worker processes are in SerialCollection (or the mixed-sweep collection), which xunit runs
// after the parallel ones, one class at a time. Native Scalars are no reason to serialise any more: the Runtime owns
// every Scalar it passes (see ViTDsl.Runtime.Scalars and UnownedScalarGuardTests).
[assembly: CollectionBehavior(DisableTestParallelization = false)]

// The integration tier runs the store's contracts on PostgreSQL and drives the CLI with this tier's helpers.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ViTDsl.Tests.Integration")]

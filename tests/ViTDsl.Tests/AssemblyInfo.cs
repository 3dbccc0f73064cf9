// TorchSharp's native state (threads, dispose scopes, scalars) is process-wide, and several tests time real
// processes; running test classes one at a time keeps every result independent of what else is running.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

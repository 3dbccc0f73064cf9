namespace ViTDsl.Runtime.Cluster;

/// <summary>The cluster scheduler cannot be used (not installed, not answering, refused a job); the message says what to do.</summary>
internal class ClusterException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The command asked for a partition the cluster does not have; the message lists the ones it has.</summary>
internal sealed class UnknownPartitionException(string message) : ClusterException(message);

/// <summary>A cluster run was given a store that only this machine can write (an SQLite file); the message names the fix.</summary>
internal sealed class SharedStoreRequiredException(string message) : ClusterException(message);

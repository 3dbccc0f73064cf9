namespace ViTDsl.Runtime.Cluster;

/// <summary>The cluster scheduler cannot be used (not installed, not answering, refused a job); the message says what to do.</summary>
public class ClusterException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The command asked for a partition the cluster does not have; the message lists the ones it has.</summary>
public sealed class UnknownPartitionException(string message) : ClusterException(message);

/// <summary>A cluster run was given a store that only this machine can write (an SQLite file); the message names the fix.</summary>
public sealed class SharedStoreRequiredException(string message) : ClusterException(message);

using ViTDsl.Tests.Store;

namespace ViTDsl.Tests.Integration.Store;

// The store's contracts (tests/ViTDsl.Tests/Store) on the PostgreSQL backend of the one-node cluster (TestCluster).
public sealed class ResultsStoreContractOnPostgres : ResultsStoreContract<PostgresStoreUnderTest>;

public sealed class RunnerLeaseContractOnPostgres : RunnerLeaseContract<PostgresStoreUnderTest>;

public sealed class StoreConcurrencyContractOnPostgres : StoreConcurrencyContract<PostgresStoreUnderTest>;

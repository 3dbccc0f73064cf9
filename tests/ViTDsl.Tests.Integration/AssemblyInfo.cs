// One test class at a time: these tests share the one-node cluster's PostgreSQL and Slurm, and the package test
// builds a fresh project.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

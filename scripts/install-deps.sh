#!/usr/bin/env bash
# Installs the Debian packages pollsim needs, only those that are missing (idempotent; runs apt-get update once,
# and only when something has to be installed). The Swift toolchain itself is expected on the machine.
set -euo pipefail
packages=(libgsl-dev liburing-dev pkg-config fio time)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The notebooks and the dask driver run in a venv; Debian's own Python needs python3-venv for that.
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs the Debian packages deploysim needs to build, run and test. Idempotent and quiet when
# everything is already there. Works as root or as a normal user with sudo.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang lld libclang-rt-14-dev clang-format clang-tidy pkg-config git
  libimgui-dev libglfw3-dev python3-glad libgl-dev
  libssl-dev openssl doctest-dev libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libfmt-dev libyaml-cpp-dev
  libstb-dev libbenchmark-dev
  xvfb xauth tshark curl chromium python3-numpy python3-pil
  help2man lintian
  fonts-dejavu-core fonts-nanum
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "deploysim: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections 2>/dev/null || true
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs the Debian 12 packages cybertroc needs, only those missing. Quiet
# when everything is present. As root it installs them without starting any
# service (works in a container without systemd); as another user it prints
# the sudo line to run and exits 2.
#   .ci/deps.sh         everything: build, tests, fuzzing (tests/run.sh)
#   .ci/deps.sh demo    only what examples/demo.sh needs: the compiler and
#                       the libraries of cybertroc and cybertroc-gpg-runner,
#                       GnuPG, and perl (MIME::QuotedPrint)
set -euo pipefail

profile=${1:-all}

# Build of the two programs: compiler, CMake and the libraries of
# docs/design.md.
product_packages=(
  cmake g++ pkg-config
  libvmime-dev libgpgme-dev libsqlite3-dev libboost-program-options-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libkainjow-mustache-dev
  libgnutls28-dev
  libqrencode-dev libxml2-dev zlib1g-dev libicu-dev
)
# The demo: GnuPG (keys, clear-signed mail) and perl (decodes a reply).
demo_packages=(gnupg perl)
# Building the tests: GoogleTest, JSON reading. The libFuzzer targets
# (tests/fuzz): clang 16 (clang 14 cannot compile our C++23, see
# tests/fuzz/clang.cmake) and its sanitizer runtimes. (ccache is used when
# present, not installed: it cannot reuse what was compiled with a
# precompiled header, which most of our sources are.)
build_packages=(
  libgtest-dev googletest nlohmann-json3-dev
  clang-16 libclang-rt-16-dev
)
# Tests (besides the demo's): the sqlite3 shell, a real IMAP/POP3/LMTP server
# (Dovecot), a real SMTP server (OpenSMTPD), a real mail client (neomutt driven in tmux), a real
# browser for the public catalogue (headless Chromium); xmllint checks the
# SEPA files, zbarimg reads the EPC QR codes back.
test_packages=(
  sqlite3
  dovecot-imapd dovecot-pop3d dovecot-lmtpd opensmtpd
  neomutt tmux ca-certificates swaks libnet-ssleay-perl
  chromium chromium-driver
  libxml2-utils zbar-tools
)

case $profile in
  demo) wanted=("${product_packages[@]}" "${demo_packages[@]}") ;;
  all)
    wanted=("${product_packages[@]}" "${demo_packages[@]}"
            "${build_packages[@]}" "${test_packages[@]}")
    ;;
  *)
    echo ".ci/deps.sh: unknown profile '$profile' (all, demo)" >&2
    exit 2
    ;;
esac

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null ||
           true)
  if [[ "$status" != installed ]]; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

install_command=(apt-get install -y --no-install-recommends "${missing[@]}")
if ((EUID != 0)); then
  echo "cybertroc: missing Debian packages: ${missing[*]}" >&2
  echo "install them with:" >&2
  echo "  sudo apt-get update" >&2
  echo "  sudo ${install_command[*]}" >&2
  exit 2
fi

# Dovecot and OpenSMTPD postinst scripts try to start their daemons; the
# tests start their own instances, and a container may have no init at all.
# policy-rc.d exit 101 tells invoke-rc.d "not allowed", so nothing starts.
policy=/usr/sbin/policy-rc.d
created_policy=false
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=true
fi
cleanup() {
  if [[ "$created_policy" == true ]]; then
    rm -f "$policy"
  fi
}
trap cleanup EXIT

echo "cybertroc: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
apt-get update -qq
"${install_command[@]}" -qq

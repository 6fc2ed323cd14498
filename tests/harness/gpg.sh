#!/usr/bin/env bash
# Throwaway OpenPGP keys for the tests (notmuch's add_gnupg_home, grown).
#
#   gpg.sh make-home DIR          DIR becomes a GNUPGHOME holding every test
#                                 key, secret and public; writes DIR/keys.env,
#                                 DIR/pub/<name>.asc, DIR/secret/<name>.asc
#   gpg.sh party-home DIR NAME [DEST]
#                                 a separate GNUPGHOME (default
#                                 DIR/party/NAME, path printed) with NAME's
#                                 secret key and every other public key: what
#                                 a real party (or the escrow) would have;
#                                 CT_PARTY_PUBLIC_KEYS="operator bob" imports
#                                 only those public keys (e.g. an escrow
#                                 that must learn parties' keys by mail)
#   gpg.sh kill DIR               stop the gpg-agent/dirmngr of DIR and of its
#                                 party homes (each home starts its own)
#
# Names and keys (all ed25519 + cv25519 encryption subkey, no passphrase):
#   escrow, operator, bob, carol   primary certifies and signs
#   alice                          primary certifies and signs, plus a
#                                  separate ed25519 signing subkey, which gpg
#                                  uses by default (-u FPR! forces primary)
#   mallory-expired                created 3 days ago, expired 1 day ago: to
#                                  sign with it, fake the time into its
#                                  validity (sign.sh honours CT_SIGN_TIME)
#   mallory-revoked                revoked (its own revocation certificate
#                                  imported) in DIR and in pub/; its party
#                                  home holds the key from before the
#                                  revocation, so that it can still sign
# Addresses are NAME@example.test.
#
# DIR/keys.env (shell-sourceable):
#   CT_GNUPGHOME=DIR  CT_KEY_NAMES="escrow operator ..."
#   CT_FPR_ESCROW CT_FPR_OPERATOR CT_FPR_ALICE CT_FPR_BOB CT_FPR_CAROL
#   CT_FPR_MALLORY_EXPIRED CT_FPR_MALLORY_REVOKED   primary fingerprints
#   CT_FPR_ALICE_SUBKEY                             alice's signing subkey
#   CT_FPR_<NAME>_ENCR                              encryption subkeys
#   CT_MALLORY_EXPIRED_CREATED / _EXPIRES           epoch seconds
#
# If CT_HARNESS_OWNER_PID is set at make-home, a watchdog runs `kill DIR`
# once that process is gone. Exits 77 with "SKIP: reason" without gpg.
set -euo pipefail

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
readonly SCRIPT
readonly DOMAIN=example.test
readonly NAMES=(escrow operator alice bob carol mallory-expired mallory-revoked)
readonly DAY=86400

die() {
  echo "gpg.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '2,/^set -euo/p' "$SCRIPT" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

check_tools() {
  local tool
  for tool in gpg gpgconf gpg-agent; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (apt-get install gnupg)"; exit 77; }
  done
}

# CT_FPR_ suffix of a key name: mallory-expired -> MALLORY_EXPIRED.
env_name() {
  local name=${1^^}
  printf '%s' "${name//-/_}"
}

# A home that never talks to the network or a card, and never asks for a
# passphrase: keys have none, and loopback lets GPGME callers pass one. No
# random_seed file, as the README asks for [inbox] workers > 1: gpg
# processes side by side would wait for each other's lock on it.
write_config() {
  local home=$1
  mkdir -p "$home"
  chmod 700 "$home"
  cat >"$home/gpg.conf" <<'EOF'
no-greeting
no-random-seed-file
pinentry-mode loopback
no-auto-key-retrieve
no-auto-key-import
auto-key-locate local
keyserver-options no-auto-key-retrieve
EOF
  cat >"$home/gpg-agent.conf" <<'EOF'
allow-loopback-pinentry
disable-scdaemon
EOF
}

# gpg in HOME, quiet, batch, no passphrase.
gpg_in() {
  local home=$1
  shift
  gpg --homedir "$home" --batch --quiet --passphrase '' "$@"
}

# Fingerprints of KEY's primary key, then of each subkey with CAPABILITY.
primary_fpr() {
  gpg_in "$1" --with-colons --list-keys "$2" |
    awk -F: '$1 == "pub" { want = 1; next } want && $1 == "fpr" { print $10; exit }'
}

subkey_fpr() {
  gpg_in "$1" --with-colons --list-keys "$2" |
    awk -F: -v cap="$3" '$1 == "sub" { want = index($12, cap) > 0; next }
                         want && $1 == "fpr" { print $10; want = 0 }' |
    tail -n 1
}

make_key() {
  local home=$1 name=$2 created=${3:-} expire=${4:-never} uid fpr
  local -a faked=()
  [[ -n "$created" ]] && faked=(--faked-system-time "$created")
  uid="${name^} <$name@$DOMAIN>"
  # gpg warns on stderr about the faked time: expected, not worth a line.
  gpg_in "$home" "${faked[@]}" --quick-generate-key "$uid" ed25519 cert,sign "$expire" \
    2> >(grep -v "faked system time" >&2)
  fpr=$(primary_fpr "$home" "=$uid")
  [[ -n "$fpr" ]] || die "no key made for $uid"
  gpg_in "$home" "${faked[@]}" --quick-add-key "$fpr" cv25519 encr "$expire" \
    2> >(grep -v "faked system time" >&2)
  echo "$fpr"
}

cmd_make_home() {
  local home=$1 name fpr now
  check_tools
  mkdir -p "$home"
  home=$(readlink -f "$home")
  [[ ! -e "$home/pubring.kbx" && ! -e "$home/keys.env" ]] ||
    die "$home already holds keys: make-home wants a new directory"
  write_config "$home"
  mkdir -p "$home/pub" "$home/secret"
  if [[ -n "${CT_HARNESS_OWNER_PID:-}" ]]; then
    # The watchdog waits in `wait`, which a SIGTERM interrupts: `kill` can
    # stop it (then its tail) without it running its action.
    # shellcheck disable=SC2016 # expanded by the inner bash
    setsid bash -c 'tail --pid="$1" -f /dev/null & echo $! >"$3/watchdog-tail.pid"
                    wait $!; "$2" kill "$3"' \
      watchdog "$CT_HARNESS_OWNER_PID" "$SCRIPT" "$home" \
      </dev/null >/dev/null 2>&1 &
    echo $! >"$home/watchdog.pid"
  fi
  now=$(date +%s)
  local -A fprs=()
  for name in escrow operator alice bob carol mallory-revoked; do
    fprs[$name]=$(make_key "$home" "$name")
  done
  # Created 3 days ago, valid 2 days: expired yesterday.
  local expired_created=$((now - 3 * DAY)) expired_expires=$((now - DAY))
  fprs[mallory-expired]=$(make_key "$home" mallory-expired \
    "$expired_created" "seconds=$((2 * DAY))")
  # Alice signs with a subkey: gpg prefers a signing subkey to the primary.
  gpg_in "$home" --quick-add-key "${fprs[alice]}" ed25519 sign never

  for name in "${NAMES[@]}"; do
    gpg_in "$home" --armor --export-secret-keys "${fprs[$name]}" \
      >"$home/secret/$name.asc"
  done
  # gpg wrote a revocation certificate for every key; the leading ':' that
  # keeps it from being imported by accident goes.
  sed 's/^:-----BEGIN/-----BEGIN/' \
    "$home/openpgp-revocs.d/${fprs[mallory-revoked]}.rev" |
    gpg_in "$home" --import 2>/dev/null
  for name in "${NAMES[@]}"; do
    gpg_in "$home" --armor --export "${fprs[$name]}" >"$home/pub/$name.asc"
  done
  chmod 600 "$home"/secret/*.asc

  {
    echo "CT_GNUPGHOME=$home"
    echo "CT_KEY_NAMES=\"${NAMES[*]}\""
    for name in "${NAMES[@]}"; do
      echo "CT_FPR_$(env_name "$name")=${fprs[$name]}"
      echo "CT_FPR_$(env_name "$name")_ENCR=$(subkey_fpr "$home" "${fprs[$name]}" e)"
    done
    echo "CT_FPR_ALICE_SUBKEY=$(subkey_fpr "$home" "${fprs[alice]}" s)"
    echo "CT_MALLORY_EXPIRED_CREATED=$expired_created"
    echo "CT_MALLORY_EXPIRED_EXPIRES=$expired_expires"
  } >"$home/keys.env.tmp"
  mv "$home/keys.env.tmp" "$home/keys.env"

  echo "$home/keys.env"
}

cmd_party_home() {
  local keys=$1 name=$2 dest=${3:-} fpr other
  check_tools
  keys=$(readlink -f "$keys")
  [[ -r "$keys/secret/$name.asc" ]] || die "no key named $name in $keys"
  dest=${dest:-$keys/party/$name}
  mkdir -p "$dest"
  dest=$(readlink -f "$dest")
  write_config "$dest"
  gpg_in "$dest" --import "$keys/secret/$name.asc" 2>/dev/null
  local -a publics=()
  if [[ -n "${CT_PARTY_PUBLIC_KEYS+set}" ]]; then
    for other in $CT_PARTY_PUBLIC_KEYS; do
      [[ -r "$keys/pub/$other.asc" ]] || die "no public key named $other"
      publics+=("$keys/pub/$other.asc")
    done
  else
    publics=("$keys"/pub/*.asc)
  fi
  for other in "${publics[@]}"; do
    [[ "$other" == "$keys/pub/$name.asc" ]] && continue
    gpg_in "$dest" --import "$other" 2>/dev/null
  done
  # One's own key is ultimately trusted, as gpg does for keys it made.
  fpr=$(gpg_in "$dest" --with-colons --list-secret-keys |
        awk -F: '$1 == "fpr" { print $10; exit }')
  echo "$fpr:6:" | gpg_in "$dest" --import-ownertrust 2>/dev/null
  echo "$dest"
}

cmd_kill() {
  local home=$1 party pid
  [[ -d "$home" ]] || return 0
  home=$(readlink -f "$home")
  for party in "$home" "$home"/party/*/; do
    [[ -f "$party/gpg.conf" ]] || continue
    gpgconf --homedir "$party" --kill all 2>/dev/null || true
  done
  # The watchdog, then its tail, if they still are ours (command lines
  # checked: a pid may have been reused). The watchdog itself runs this
  # command as its child: it must not kill itself.
  local file
  for file in watchdog.pid watchdog-tail.pid; do
    [[ -f "$home/$file" ]] || continue
    pid=$(<"$home/$file")
    rm -f "$home/$file"
    [[ "$pid" =~ ^[0-9]+$ && "$pid" != "$PPID" ]] || continue
    if [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *@("$home"|"tail --pid")* ]]; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
}

main() {
  (($# >= 2)) || usage
  local command=$1
  shift
  case "$command" in
    make-home) (($# == 1)) || usage; cmd_make_home "$1" ;;
    party-home) (($# == 2 || $# == 3)) || usage; cmd_party_home "$@" ;;
    kill) (($# == 1)) || usage; cmd_kill "$1" ;;
    *) usage ;;
  esac
}

main "$@"

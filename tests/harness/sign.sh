#!/usr/bin/env bash
# Test mail made the way parties make it.
#
#   sign.sh clearsign HOME KEY FROM TO BODYFILE OUT
#       RFC 5322 message, text/plain; charset=utf-8, whose body is
#       `gpg --clearsign` of BODYFILE by KEY (fingerprint or address) from
#       the GNUPGHOME HOME.
#   sign.sh neomutt HOME FROM TO BODYFILE OUT
#       PGP/MIME (multipart/signed) message made by a real neomutt, signing
#       with the first secret key of HOME (a gpg.sh party-home), captured by
#       a fake sendmail: nothing is sent.
#
# Environment (optional):
#   CT_SUBJECT        Subject (default "cybertroc test")
#   CT_SIGN_TIME      clearsign only: sign as if it were this time (epoch
#                     seconds), e.g. to use the expired key within its life
#                     or to make an old signature; the Date header follows
#   CT_EXTRA_HEADERS  clearsign only: header lines added as they are
#                     (newline-separated), e.g. "Auto-Submitted: auto-replied"
#   CT_NEOMUTT_TIMEOUT  seconds to wait for neomutt (default 20)
# OUT has LF line ends (a file as a client writes it before sending).
# Exits 77 with "SKIP: reason" when gpg, neomutt or tmux is missing.
set -euo pipefail

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
readonly SCRIPT

die() {
  echo "sign.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '2,/^set -euo/p' "$SCRIPT" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "SKIP: $tool not found (apt-get install gnupg neomutt tmux)"; exit 77; }
  done
}

# Header fields of message FILE unfolded, one per line.
headers_of() {
  awk '/^\r?$/ { exit } /^[ \t]/ { line = line $0; next }
       { if (line != "") print line; line = $0 } END { if (line != "") print line }' "$1"
}

cmd_clearsign() {
  local home=$1 key=$2 from=$3 to=$4 body=$5 out=$6
  need gpg
  [[ -r "$body" ]] || die "cannot read $body"
  local -a faked=()
  local now
  now=$(date +%s)
  if [[ -n "${CT_SIGN_TIME:-}" ]]; then
    faked=(--faked-system-time "$CT_SIGN_TIME")
    now=$CT_SIGN_TIME
  fi
  local signed encoding=7bit
  signed=$(gpg --homedir "$home" --batch --quiet --pinentry-mode loopback \
             --passphrase '' "${faked[@]}" --local-user "$key" \
             --clearsign <"$body" 2> >(grep -v 'faked system time' >&2)) ||
    die "gpg --clearsign by $key failed"
  if LC_ALL=C grep -q '[^[:print:][:space:]]' <<<"$signed"; then
    encoding=8bit
  fi
  {
    echo "Date: $(date -R -d "@$now")"
    echo "Message-ID: <$now.$$.$SRANDOM@example.test>"
    echo "From: $from"
    echo "To: $to"
    echo "Subject: ${CT_SUBJECT:-cybertroc test}"
    [[ -n "${CT_EXTRA_HEADERS:-}" ]] && printf '%s\n' "$CT_EXTRA_HEADERS"
    echo "MIME-Version: 1.0"
    echo "Content-Type: text/plain; charset=utf-8"
    echo "Content-Transfer-Encoding: $encoding"
    echo
    printf '%s\n' "$signed"
  } >"$out.tmp"
  mv "$out.tmp" "$out"
}

# neomutt on Debian 12 cannot sign in batch mode (-b/-H with stdin not a
# terminal sends unsigned or fails): it runs in a detached tmux, opens the
# draft in its compose menu with signing on, and gets a "y" (send) key.
cmd_neomutt() {
  local home=$1 from=$2 to=$3 body=$4 out=$5
  need gpg neomutt tmux
  [[ -r "$body" ]] || die "cannot read $body"
  home=$(readlink -f "$home")
  out=$(readlink -f "$out")
  local key
  key=$(gpg --homedir "$home" --batch --with-colons --list-secret-keys 2>/dev/null |
        awk -F: '$1 == "fpr" { print $10; exit }')
  [[ -n "$key" ]] || die "no secret key in $home"

  # Globals: the EXIT trap runs after this function's locals are gone.
  work=$(mktemp -d /tmp/ct-neomutt.XXXXXX)
  tmux_socket=$work/tmux.sock
  # The tmux server (and neomutt in it) must not outlive this script.
  trap 'tmux -S "$tmux_socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

  # The fake sendmail: the message on stdin lands in OUT, whole or not at all.
  printf '#!/bin/sh\ncat >%q.tmp && mv %q.tmp %q\n' "$out" "$out" "$out" \
    >"$work/sendmail"
  chmod 755 "$work/sendmail"
  rm -f "$out"

  {
    echo "From: $from"
    echo "To: $to"
    echo "Subject: ${CT_SUBJECT:-cybertroc test}"
    echo
    cat "$body"
  } >"$work/draft"

  # Everything that could ask a question or wait is off: no editor, no
  # copy to a folder, no passphrase prompt, no pause after messages.
  cat >"$work/muttrc" <<EOF
set editor = "true"
set sendmail = "$work/sendmail"
set from = "$from"
set use_from = yes
set hostname = "example.test"
set folder = "$work"
set spoolfile = "$work/inbox"
set record = ""
set postponed = "$work/postponed"
set copy = no
set header_cache = ""
set message_cachedir = ""
set abort_unmodified = no
set abort_nosubject = no
set abort_noattach = no
set askcc = no
set askbcc = no
set edit_headers = no
set autoedit = no
set fast_reply = yes
set sleep_time = 0
set wait_key = no
set beep = no
set charset = "utf-8"
set send_charset = "utf-8"
set crypt_use_gpgme = yes
set crypt_autosign = yes
set crypt_autoencrypt = no
set crypt_opportunistic_encrypt = no
set crypt_autopgp = yes
set crypt_autosmime = no
set smime_is_default = no
set pgp_default_key = "$key"
set pgp_sign_as = "$key"
set pgp_self_encrypt = no
EOF
  # remain-on-exit keeps neomutt's last screen to show if it fails.
  printf 'set -g remain-on-exit on\nset -g status off\n' >"$work/tmux.conf"

  local -a neomutt=(env -i PATH="$PATH" HOME="$work" TERM=screen
                    LANG=C.UTF-8 GNUPGHOME="$home"
                    neomutt -n -F "$work/muttrc" -H "$work/draft")
  tmux -S "$tmux_socket" -f "$work/tmux.conf" new-session -d -x 160 -y 40 \
    "$(printf '%q ' "${neomutt[@]}")"

  local timeout=${CT_NEOMUTT_TIMEOUT:-20} deadline screen
  deadline=$((SECONDS + timeout))
  # The compose menu's help line offers "y:Send".
  until screen=$(tmux -S "$tmux_socket" capture-pane -p 2>/dev/null) &&
        [[ "$screen" == *"y:Send"* ]]; do
    if ((SECONDS >= deadline)); then
      echo "$screen" >&2
      die "no neomutt compose menu after ${timeout}s"
    fi
    sleep 0.05
  done
  [[ "$screen" == *"Sign"* ]] ||
    { echo "$screen" >&2; die "neomutt compose menu shows no signing"; }
  tmux -S "$tmux_socket" send-keys y

  until [[ -s "$out" ]]; do
    if ((SECONDS >= deadline)); then
      tmux -S "$tmux_socket" capture-pane -p >&2 2>/dev/null || true
      die "neomutt wrote no message to $out after ${timeout}s"
    fi
    sleep 0.05
  done

  local type
  type=$(headers_of "$out" | grep -i '^content-type:' || true)
  if [[ "${type,,}" != *multipart/signed* ||
        "${type,,}" != *'protocol="application/pgp-signature"'* ]]; then
    die "neomutt did not make a PGP/MIME signed message ($type) in $out"
  fi
}

main() {
  (($# >= 1)) || usage
  local command=$1
  shift
  case "$command" in
    clearsign) (($# == 6)) || usage; cmd_clearsign "$@" ;;
    neomutt) (($# == 5)) || usage; cmd_neomutt "$@" ;;
    *) usage ;;
  esac
}

main "$@"

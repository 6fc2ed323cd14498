#!/usr/bin/env bash
# Real mail servers on loopback for the integration and e2e tests: Dovecot
# (IMAP, IMAPS, POP3, POP3S, LMTP) and OpenSMTPD (SMTP with STARTTLS, SMTPS)
# delivering every address @example.test into Dovecot over LMTP; and, for
# clients that must cope without TLS, a second Dovecot (IMAP and POP3 with
# ssl = no: STARTTLS/STLS not offered, same users and mailboxes) and a plain
# OpenSMTPD listener (no STARTTLS offered, no AUTH).
#
#   servers.sh start DIR            start both, write DIR/env, wait for ports
#   servers.sh stop DIR             stop both (idempotent)
#   servers.sh deliver DIR USER FILE [--doveadm]
#                                   put FILE into USER's INBOX, byte for
#                                   byte, no header added (prints its path);
#                                   --doveadm: through `doveadm save`
#   servers.sh wait-queue DIR [SECONDS]
#                                   wait until OpenSMTPD's queue is empty
#   servers.sh fetch DIR USER       list USER's message files, oldest first
#
# Exit 77 with "SKIP: reason" when the machine cannot run them (not root, a
# binary missing, a system smtpd already running): CTest/GoogleTest callers
# turn that into a skipped test.
#
# Users escrow, alice, bob, carol, operator (login "alice" or
# "alice@example.test", IMAP/POP3 and SMTP AUTH PLAIN/LOGIN), one password.
# Every address @example.test receives mail (maildir created on delivery);
# only those users can log in. SMTP accepts mail for example.test from
# anyone on 127.0.0.1, with or without AUTH; other domains get 550.
#
# Everything lives under DIR (created if needed; its parents must be
# searchable by the mail user, e.g. under /tmp; DIR itself is made 0755):
#   DIR/env                 KEY=VALUE lines, source with `. "$DIR/env"`:
#     CT_HOST=127.0.0.1 CT_TLS_HOSTNAME=localhost CT_DOMAIN=example.test
#     CT_USERS  CT_IMAP_PORT CT_IMAPS_PORT CT_POP3_PORT CT_POP3S_PORT
#     CT_SMTP_PORT (STARTTLS offered) CT_SMTPS_PORT  CT_LMTP_SOCKET
#     CT_SMTP_PLAIN_PORT CT_IMAP_PLAIN_PORT CT_POP3_PLAIN_PORT (no STARTTLS
#       offered: plaintext only; SMTP without AUTH, as OpenSMTPD offers
#       AUTH only over TLS)
#     CT_CA_FILE  CT_OTHER_CA_FILE (a CA that signed nothing here)
#     CT_PASSWORD_FILE  CT_MAILDIR_ROOT  CT_ESCROW_MAILDIR  CT_MAIL_USER
#     CT_DOVECOT_CONF CT_SMTPD_CONF CT_DOVECOT_LOG CT_SMTPD_LOG
#     CT_DOVECOT_PLAIN_CONF CT_DOVECOT_PLAIN_LOG (the instance without TLS)
#     CT_HARNESS_DIR
#   DIR/password            the password, no trailing newline
#   DIR/mail/<local part>/Maildir/{new,cur,tmp}   owned by ctmail
#                           (= CT_MAILDIR_ROOT/<local part>/Maildir)
#   DIR/etc/                dovecot.conf, dovecot-plain.conf, users,
#                           smtpd.conf, smtpd-creds, smtpd-virtual
#   DIR/tls/                ca.crt/.key, server.crt/.key (CN localhost,
#                           SAN localhost + 127.0.0.1), other-ca.crt
#   DIR/run/dovecot/        Dovecot base_dir, LMTP socket "lmtp"
#   DIR/run/dovecot-plain/  base_dir of the Dovecot without TLS
#   DIR/lib/                smtpd_tls_fix.so (see smtpd_tls_fix.c)
#   DIR/log/                dovecot.log, dovecot-plain.log (a "Login:"
#                           line per login, with ", TLS," over TLS),
#                           smtpd.log (smtpd -d: a line per session event,
#                           "smtp tls ciphers=..." after a STARTTLS, "smtp
#                           failed-command ..." for a refused command),
#                           watchdog.log
#   DIR/pid/                dovecot, dovecot-plain, smtpd, watchdog
#
# OpenSMTPD has one control socket per machine (/var/run/smtpd.sock) and one
# spool (/var/spool/smtpd). Each instance runs in a mount namespace of its
# own (unshare), where DIR/smtpd/run and DIR/smtpd/spool are mounted on /run
# and /var/spool/smtpd: instances do not see each other, several run at once
# like Dovecot's, and this script runs smtpctl in the instance's namespace
# (nsenter). Where no namespace can be made (a container without
# CAP_SYS_ADMIN) or with CT_SMTPD_NAMESPACE=0, only one instance can run at a
# time: `start` then takes an exclusive flock on $CT_SMTPD_LOCK (default
# /tmp/cybertroc-smtpd.lock), waiting up to $CT_SMTPD_LOCK_WAIT seconds
# (default 600) for another instance to stop; the smtpd process inherits the
# lock, so it is held exactly as long as that smtpd lives.
#
# If CT_HARNESS_OWNER_PID is set at `start`, a watchdog runs `stop DIR` as
# soon as that process is gone, so that a crashed or killed test leaves no
# server behind.
set -euo pipefail

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
readonly SCRIPT
readonly HARNESS_DIR=${SCRIPT%/*}
readonly DOMAIN=example.test
readonly USERS=(escrow alice bob carol operator)
readonly MAIL_USER=ctmail
readonly SMTPD_SOCKET=/var/run/smtpd.sock
readonly SMTPD_SPOOL=/var/spool/smtpd
readonly SMTPD_LOCK=${CT_SMTPD_LOCK:-/tmp/cybertroc-smtpd.lock}
readonly SMTPD_LOCK_WAIT=${CT_SMTPD_LOCK_WAIT:-600}
# Seconds to wait for every port at start, and for a process to exit at stop.
readonly START_TIMEOUT=15
readonly STOP_TIMEOUT=5

die() {
  echo "servers.sh: $*" >&2
  exit 1
}

skip() {
  echo "SKIP: $*"
  exit 77
}

usage() {
  sed -n '2,/^set -euo/p' "$SCRIPT" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# ---------------------------------------------------------------- checks

check_machine() {
  ((EUID == 0)) || skip "servers.sh must run as root (Dovecot and OpenSMTPD drop privileges themselves)"
  local tool
  for tool in dovecot doveadm doveconf smtpd smtpctl openssl flock runuser \
              useradd tail setsid; do
    command -v "$tool" >/dev/null || skip "$tool not found (apt-get install dovecot-imapd dovecot-pop3d dovecot-lmtpd opensmtpd openssl util-linux)"
  done
  for tool in imap pop3 lmtp; do
    [[ -x /usr/lib/dovecot/$tool ]] ||
      skip "/usr/lib/dovecot/$tool not found (apt-get install dovecot-imapd dovecot-pop3d dovecot-lmtpd)"
  done
  if ! id dovecot >/dev/null 2>&1 || ! id dovenull >/dev/null 2>&1; then
    skip "users dovecot/dovenull missing (reinstall dovecot-core)"
  fi
}

# A system user owning the mailboxes: Dovecot refuses to run mail processes
# as root. Two harnesses may race to create it; the loser just finds it.
ensure_mail_user() {
  if ! id "$MAIL_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --comment "cybertroc test mail" \
      "$MAIL_USER" 2>/dev/null || id "$MAIL_USER" >/dev/null 2>&1 ||
      die "cannot create user $MAIL_USER"
  fi
}

# ---------------------------------------------------------------- helpers

# Local part of USER or USER@example.test, lower case, as Dovecot names it.
local_part() {
  local user=${1,,}
  user=${user%@"$DOMAIN"}
  [[ "$user" =~ ^[a-z0-9][a-z0-9._+-]*$ ]] || die "bad user name: $1"
  printf '%s' "$user"
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Random ports that nothing listens on right now. Another harness may take
# one between this probe and our bind: start() retries on "address in use".
pick_ports() {
  local count=$1 port
  local -a picked=()
  while ((${#picked[@]} < count)); do
    port=$((20000 + SRANDOM % 40000))
    [[ " ${picked[*]} " == *" $port "* ]] && continue
    port_open "$port" && continue
    picked+=("$port")
  done
  echo "${picked[@]}"
}

# Processes started from DIR, by pid file, checked against their command line
# (which names DIR's config) so that a reused pid is never signalled.
# While a process execs, its cmdline reads empty for a moment: read again.
pid_of() {
  local dir=$1 name=$2 pid cmdline
  [[ -f "$dir/pid/$name" ]] || return 1
  pid=$(<"$dir/pid/$name")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    running "$pid" || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    [[ -n "$cmdline" ]] && break
    sleep 0.01
  done
  [[ "$cmdline" == *"$dir"* ]] || return 1
  echo "$pid"
}

# True if smtpd can run in a mount namespace of its own here.
smtpd_namespace_possible() {
  [[ "${CT_SMTPD_NAMESPACE:-1}" != 0 ]] &&
    command -v unshare >/dev/null && command -v nsenter >/dev/null &&
    unshare --mount --propagation private true 2>/dev/null
}

# smtpctl_for DIR ARGS...: smtpctl ARGS for DIR's smtpd, in its namespace
# when it has one (DIR/pid/smtpd-namespace).
smtpctl_for() {
  local dir=$1 pid
  shift
  if [[ -f "$dir/pid/smtpd-namespace" ]]; then
    pid=$(pid_of "$dir" smtpd) || { echo "no smtpd running for $dir" >&2; return 1; }
    nsenter --target "$pid" --mount smtpctl "$@"
  else
    smtpctl "$@"
  fi
}

# PID and all its descendants, parents first. Read from /proc (one pass),
# as minimal containers have no ps.
process_tree() {
  local stat line pid ppid i=0 child
  local -A children=()
  for stat in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$stat" || continue
    line=${line##*) }
    ppid=${line#* }
    ppid=${ppid%% *}
    pid=${stat#/proc/}
    children[$ppid]+=" ${pid%/stat}"
  done
  local -a tree=("$1")
  while ((i < ${#tree[@]})); do
    for child in ${children[${tree[i]}]:-}; do
      tree+=("$child")
    done
    i=$((i + 1))
  done
  echo "${tree[@]}"
}

# Stops process trees, all at once: SIGTERM to every process (the servers'
# children exit at once), then SIGKILL to what is left after a short grace.
# The grace is short on purpose: once their children are gone, the masters
# only linger (smtpd 1 s, Dovecot 2-3 s) and there is nothing to flush, as
# mail is on disk before it is acknowledged.
stop_trees() {
  local root pid deadline
  local -a all=()
  for root in "$@"; do
    read -r -a tree <<<"$(process_tree "$root")"
    all+=("${tree[@]}")
  done
  ((${#all[@]})) || return 0
  kill -TERM "${all[@]}" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  local grace=10 # times 0.03 s
  while :; do
    local -a alive=()
    for pid in "${all[@]}"; do
      running "$pid" && alive+=("$pid")
    done
    ((${#alive[@]})) || return 0
    if ((grace > 0)); then
      grace=$((grace - 1))
    else
      kill -KILL "${alive[@]}" 2>/dev/null || true
    fi
    ((SECONDS < deadline)) || die "processes ${alive[*]} survive SIGKILL"
    sleep 0.03
  done
}

# True while PID runs. A killed server whose parent (init of a container)
# has not reaped it yet is a zombie: gone for our purpose.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ "${stat:0:1}" != Z ]]
}

log_tail() {
  local file
  for file in "$@"; do
    [[ -s "$file" ]] || continue
    echo "--- last lines of $file" >&2
    tail -n 25 "$file" >&2
  done
}

# ---------------------------------------------------------------- files

make_certificates() {
  local tls=$1
  mkdir -p "$tls"
  # P-256 keys: made in milliseconds (RSA takes a third of the start time).
  local -a ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$tls/ca.key" -out "$tls/ca.crt" \
    -days 30 -subj "/CN=cybertroc test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -new "${ec[@]}" -keyout "$tls/server.key" -out "$tls/server.csr" \
    -subj "/CN=localhost" 2>/dev/null
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" \
    -CAkey "$tls/ca.key" -CAcreateserial -days 30 -out "$tls/server.crt" \
    -extfile <(printf '%s\n' \
      "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth") 2>/dev/null
  # A CA that signed nothing here: a client trusting only it must refuse
  # the servers (chain verification tests).
  openssl req -x509 "${ec[@]}" -keyout "$tls/other-ca.key" \
    -out "$tls/other-ca.crt" -days 30 -subj "/CN=cybertroc other CA" \
    -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
  rm -f "$tls/server.csr" "$tls/ca.srl"
  chmod 600 "$tls"/*.key
}

make_users() {
  local dir=$1 password=$2 user hash
  printf '%s' "$password" >"$dir/password"
  chmod 600 "$dir/password"
  # Dovecot's passwd-file is read by the auth process, which runs as the
  # dovecot user.
  : >"$dir/etc/users"
  for user in "${USERS[@]}"; do
    printf '%s:{PLAIN}%s\n' "$user" "$password" >>"$dir/etc/users"
  done
  chown root:dovecot "$dir/etc/users"
  chmod 640 "$dir/etc/users"
  # OpenSMTPD wants crypt(3) hashes; accept both "escrow" and
  # "escrow@example.test" as SMTP AUTH names, like Dovecot does.
  hash=$(printf '%s\n' "$password" | smtpctl encrypt)
  : >"$dir/etc/smtpd-creds"
  for user in "${USERS[@]}"; do
    printf '%s %s\n%s@%s %s\n' "$user" "$hash" "$user" "$DOMAIN" "$hash" \
      >>"$dir/etc/smtpd-creds"
  done
  chmod 640 "$dir/etc/smtpd-creds"
}

make_maildirs() {
  local dir=$1 user
  mkdir -p "$dir/mail"
  for user in "${USERS[@]}"; do
    mkdir -p "$dir/mail/$user/Maildir/"{new,cur,tmp}
  done
  chown -R "$MAIL_USER:$MAIL_USER" "$dir/mail"
  chmod 755 "$dir/mail"
}

# The settings both Dovecot instances share: users, mailboxes, logins.
# NAME (dovecot, dovecot-plain) names its base_dir, state_dir and log.
dovecot_common_conf() {
  local dir=$1 name=$2 uid
  uid=$(id -u "$MAIL_USER")
  cat <<EOF
instance_name = cybertroc-$(basename "$dir")-$name
base_dir = $dir/run/$name
state_dir = $dir/state/$name
log_path = $dir/log/$name.log
listen = 127.0.0.1
shutdown_clients = yes

# Plain passwords are fine on loopback; the product decides whether to use
# STARTTLS, the server never forces it.
disable_plaintext_auth = no
auth_mechanisms = plain login
# "escrow" and "escrow@example.test" are the same user, named "escrow".
auth_username_format = %Ln
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dir/etc/users
}
# Any local part can receive mail (LMTP), only the passdb users can log in.
userdb {
  driver = static
  args = uid=$MAIL_USER gid=$MAIL_USER home=$dir/mail/%n allow_all_users=yes
}
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = $uid
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
protocol imap {
  mail_max_userip_connections = 100
}
EOF
}

write_dovecot_conf() {
  local dir=$1 imap=$2 imaps=$3 pop3=$4 pop3s=$5 dh=""
  [[ -r /usr/share/dovecot/dh.pem ]] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
  {
    echo "# Generated by tests/harness/servers.sh: a test instance of Dovecot."
    dovecot_common_conf "$dir" dovecot
    cat <<EOF
protocols = imap pop3 lmtp
# STARTTLS (STLS) offered on the plain ports, implicit TLS on the others.
ssl = yes
ssl_cert = <$dir/tls/server.crt
ssl_key = <$dir/tls/server.key
ssl_min_protocol = TLSv1.2
$dh
protocol lmtp {
  postmaster_address = postmaster@$DOMAIN
}

service imap-login {
  inet_listener imap {
    port = $imap
  }
  inet_listener imaps {
    port = $imaps
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $pop3
  }
  inet_listener pop3s {
    port = $pop3s
    ssl = yes
  }
}
# OpenSMTPD delivers as $MAIL_USER through this socket.
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
EOF
  } >"$dir/etc/dovecot.conf"
}

# A second instance on the same users and mailboxes, without TLS: its IMAP
# CAPABILITY and POP3 CAPA offer no STARTTLS/STLS, as on a server whose
# admin never set up TLS.
write_dovecot_plain_conf() {
  local dir=$1 imap=$2 pop3=$3
  {
    echo "# Generated by tests/harness/servers.sh: Dovecot without TLS."
    dovecot_common_conf "$dir" dovecot-plain
    cat <<EOF
protocols = imap pop3
ssl = no
service imap-login {
  inet_listener imap {
    port = $imap
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $pop3
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
  } >"$dir/etc/dovecot-plain.conf"
}

write_smtpd_conf() {
  local dir=$1 smtp=$2 smtps=$3 smtp_plain=$4
  cat >"$dir/etc/smtpd.conf" <<EOF
# Generated by tests/harness/servers.sh: the one OpenSMTPD test instance.
pki localhost cert "$dir/tls/server.crt"
pki localhost key "$dir/tls/server.key"
table creds file:$dir/etc/smtpd-creds

# STARTTLS offered, and implicit TLS; AUTH optional on both so that the
# escrow can authenticate and parties can still mail it from 127.0.0.1.
listen on 127.0.0.1 port $smtp tls pki localhost auth-optional <creds> hostname localhost
listen on 127.0.0.1 port $smtps smtps pki localhost auth-optional <creds> hostname localhost
# A plain local relay, as most hosts have: no STARTTLS offered, no AUTH.
listen on 127.0.0.1 port $smtp_plain hostname localhost

# Every address of the test domain goes to Dovecot; other domains are
# refused at RCPT TO (there is no network to relay to). Without the virtual
# catch-all, smtpd would want a system user per local part; rcpt-to passes
# the original address on to Dovecot, which files it under the local part.
table vusers file:$dir/etc/smtpd-virtual
action "dovecot" lmtp "$dir/run/dovecot/lmtp" rcpt-to virtual <vusers>
match from any for domain "$DOMAIN" action "dovecot"
match auth from any for domain "$DOMAIN" action "dovecot"
EOF
  printf '@%s %s\n' "$DOMAIN" "$MAIL_USER" >"$dir/etc/smtpd-virtual"
  chmod 644 "$dir/etc/smtpd.conf" "$dir/etc/smtpd-virtual"
}

write_env() {
  local dir=$1 imap=$2 imaps=$3 pop3=$4 pop3s=$5 smtp=$6 smtps=$7
  local smtp_plain=$8 imap_plain=$9 pop3_plain=${10}
  cat >"$dir/env.tmp" <<EOF
CT_HARNESS_DIR=$dir
CT_HOST=127.0.0.1
CT_TLS_HOSTNAME=localhost
CT_DOMAIN=$DOMAIN
CT_USERS="${USERS[*]}"
CT_IMAP_PORT=$imap
CT_IMAPS_PORT=$imaps
CT_POP3_PORT=$pop3
CT_POP3S_PORT=$pop3s
CT_SMTP_PORT=$smtp
CT_SMTPS_PORT=$smtps
CT_SMTP_PLAIN_PORT=$smtp_plain
CT_IMAP_PLAIN_PORT=$imap_plain
CT_POP3_PLAIN_PORT=$pop3_plain
CT_LMTP_SOCKET=$dir/run/dovecot/lmtp
CT_CA_FILE=$dir/tls/ca.crt
CT_OTHER_CA_FILE=$dir/tls/other-ca.crt
CT_PASSWORD_FILE=$dir/password
CT_MAILDIR_ROOT=$dir/mail
CT_MAILDIR_LAYOUT='\$CT_MAILDIR_ROOT/<local part>/Maildir/{new,cur,tmp}'
CT_ESCROW_MAILDIR=$dir/mail/escrow/Maildir
CT_MAIL_USER=$MAIL_USER
CT_DOVECOT_CONF=$dir/etc/dovecot.conf
CT_SMTPD_CONF=$dir/etc/smtpd.conf
CT_DOVECOT_LOG=$dir/log/dovecot.log
CT_DOVECOT_PLAIN_CONF=$dir/etc/dovecot-plain.conf
CT_DOVECOT_PLAIN_LOG=$dir/log/dovecot-plain.log
CT_SMTPD_LOG=$dir/log/smtpd.log
EOF
  mv "$dir/env.tmp" "$dir/env"
}

# ---------------------------------------------------------------- smtpd

# OpenSMTPD 6.x built against OpenSSL 3 (Debian 12) fails every TLS
# handshake; smtpd_tls_fix.c explains why and is preloaded into smtpd to
# fix it. Sets smtpd_preload, left empty when smtpd needs no fix.
smtpd_preload=""
build_smtpd_tls_fix() {
  local dir=$1 version libraries
  version=$(smtpd -h 2>&1 || true)
  libraries=$(ldd "$(command -v smtpd)" 2>&1 || true)
  if [[ "$version" != *"OpenSMTPD 6."* || "$libraries" != *libcrypto.so.3* ]]; then
    return 0
  fi
  command -v cc >/dev/null ||
    skip "cc not found: needed to build smtpd_tls_fix.so for OpenSMTPD 6 with OpenSSL 3 (apt-get install gcc)"
  mkdir -p "$dir/lib"
  cc -shared -fPIC -O2 -o "$dir/lib/smtpd_tls_fix.so" \
    "$HARNESS_DIR/smtpd_tls_fix.c" -ldl -l:libcrypto.so.3 ||
    die "cannot build $HARNESS_DIR/smtpd_tls_fix.c"
  smtpd_preload=$dir/lib/smtpd_tls_fix.so
}

# Refuse to share the machine's one smtpd socket with a running smtpd: a
# leaked harness instance is an error to fix, a system one a reason to skip.
check_no_smtpd_running() {
  smtpctl show status >/dev/null 2>&1 || return 0
  local pid="" cmdline
  if command -v ss >/dev/null; then
    pid=$(ss -xlpnH "src $SMTPD_SOCKET" 2>/dev/null |
          grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)
  fi
  cmdline=$(tr '\0' ' ' <"/proc/${pid:-0}/cmdline" 2>/dev/null || true)
  if [[ "$cmdline" == "smtpd: "* ]]; then
    # The control process: its parent's command line tells which smtpd.
    pid=$(awk '{ print $4 }' "/proc/$pid/stat" 2>/dev/null || true)
    cmdline=$(tr '\0' ' ' <"/proc/${pid:-0}/cmdline" 2>/dev/null || true)
  fi
  if [[ "$cmdline" == *"/etc/smtpd.conf"* && "$cmdline" != *" /etc/smtpd.conf"* ]]; then
    die "a harness smtpd (pid $pid: $cmdline) is still running without the lock; stop it with: $SCRIPT stop <its DIR>"
  fi
  skip "an smtpd already runs on this machine (pid ${pid:-?}: ${cmdline:-?}); only one can own $SMTPD_SOCKET: stop it (systemctl stop opensmtpd)"
}

# Mail left in the machine's spool by an instance that was killed would be
# delivered into this instance's mailboxes: start with delivery paused,
# remove it, resume.
smtpd_spool_has_mail() {
  [[ -d "$SMTPD_SPOOL/queue" ]] &&
    [[ -n "$(find "$SMTPD_SPOOL/queue" "$SMTPD_SPOOL/incoming" -type f -print -quit 2>/dev/null)" ]]
}

# ---------------------------------------------------------------- start

start_once() {
  local dir=$1
  local imap imaps pop3 pop3s smtp smtps smtp_plain imap_plain pop3_plain pid
  read -r imap imaps pop3 pop3s smtp smtps smtp_plain imap_plain pop3_plain \
    <<<"$(pick_ports 9)"
  local -a ports=("$imap" "$imaps" "$pop3" "$pop3s" "$smtp" "$smtps"
                  "$smtp_plain" "$imap_plain" "$pop3_plain")

  write_dovecot_conf "$dir" "$imap" "$imaps" "$pop3" "$pop3s"
  write_dovecot_plain_conf "$dir" "$imap_plain" "$pop3_plain"
  write_smtpd_conf "$dir" "$smtp" "$smtps" "$smtp_plain"
  local conf
  for conf in dovecot dovecot-plain; do
    doveconf -c "$dir/etc/$conf.conf" -n >/dev/null 2>"$dir/log/doveconf.err" ||
      { log_tail "$dir/log/doveconf.err"; die "bad $conf.conf"; }
  done
  smtpd -n -f "$dir/etc/smtpd.conf" >"$dir/log/smtpd-check.log" 2>&1 ||
    { log_tail "$dir/log/smtpd-check.log"; die "bad smtpd.conf"; }

  # -F keeps the master in the foreground: its pid is ours to stop. Neither
  # server may inherit the test's stdout (a pipe ctest reads to the end).
  for conf in dovecot dovecot-plain; do
    dovecot -F -c "$dir/etc/$conf.conf" </dev/null \
      >>"$dir/log/$conf.out" 2>&1 {lock_fd}>&- &
    echo $! >"$dir/pid/$conf"
  done

  local -a pause=()
  if [[ -f "$dir/pid/smtpd-namespace" ]]; then
    # A spool and a /run of its own, empty: nothing left from an earlier
    # instance. unshare and bash exec: the pid is smtpd's.
    rm -rf "$dir/smtpd"
    mkdir -p "$dir/smtpd/run" "$dir/smtpd/spool"
    chmod 755 "$dir/smtpd/run"
    chmod 711 "$dir/smtpd/spool"
    # shellcheck disable=SC2016 # expanded by the inner bash
    unshare --mount --propagation private -- bash -c \
      'mount --bind "$1" /run && mount --bind "$2" /var/spool/smtpd &&
       shift 2 && exec env "$@"' \
      smtpd-namespace "$dir/smtpd/run" "$dir/smtpd/spool" \
      LD_PRELOAD="$smtpd_preload" smtpd -d -f "$dir/etc/smtpd.conf" </dev/null \
      >>"$dir/log/smtpd.log" 2>&1 {lock_fd}>&- &
  else
    # The smtpd parent keeps the lock descriptor open: the lock lives as
    # long as it does.
    if smtpd_spool_has_mail; then
      pause=(-P mda -P mta)
    fi
    LD_PRELOAD=$smtpd_preload smtpd -d "${pause[@]}" -f "$dir/etc/smtpd.conf" </dev/null \
      >>"$dir/log/smtpd.log" 2>&1 &
  fi
  echo $! >"$dir/pid/smtpd"

  local deadline=$((SECONDS + START_TIMEOUT)) port ready
  while :; do
    ready=1
    for port in "${ports[@]}"; do
      port_open "$port" || { ready=0; break; }
    done
    [[ -S "$dir/run/dovecot/lmtp" ]] || ready=0
    ((ready)) && smtpctl_for "$dir" show status >/dev/null 2>&1 || ready=0
    ((ready)) && break
    local -a logs=("$dir"/log/dovecot{,-plain}.{out,log} "$dir/log/smtpd.log")
    for pid in dovecot dovecot-plain smtpd; do
      if ! running "$(<"$dir/pid/$pid")"; then
        if grep -qs 'Address already in use' "${logs[@]}"; then
          return 75 # a port was taken meanwhile: try other ports
        fi
        log_tail "${logs[@]}"
        die "$pid exited during start"
      fi
    done
    if ((SECONDS >= deadline)); then
      log_tail "${logs[@]}"
      die "servers not ready after ${START_TIMEOUT}s (ports imap=$imap imaps=$imaps pop3=$pop3 pop3s=$pop3s smtp=$smtp smtps=$smtps smtp_plain=$smtp_plain imap_plain=$imap_plain pop3_plain=$pop3_plain)"
    fi
    sleep 0.02
  done

  if ((${#pause[@]})); then
    echo "servers.sh: removing mail left in $SMTPD_SPOOL by an earlier instance" \
      >>"$dir/log/smtpd.log"
    smtpctl_for "$dir" remove all >>"$dir/log/smtpd.log" 2>&1 || true
    smtpctl_for "$dir" resume mda >/dev/null
    smtpctl_for "$dir" resume mta >/dev/null
  fi
  write_env "$dir" "$imap" "$imaps" "$pop3" "$pop3s" "$smtp" "$smtps" \
    "$smtp_plain" "$imap_plain" "$pop3_plain"
}

start_watchdog() {
  local dir=$1 owner=$2
  kill -0 "$owner" 2>/dev/null || die "CT_HARNESS_OWNER_PID=$owner is not running"
  # setsid: a kill of the test's process group must not take the watchdog
  # with it. The watchdog names DIR on its command line (see pid_of).
  # shellcheck disable=SC2016 # expanded by the inner bash, from its arguments
  setsid bash -c 'tail --pid="$1" -f /dev/null; CT_HARNESS_IN_WATCHDOG=1 "$2" stop "$3"' \
    watchdog "$owner" "$SCRIPT" "$dir" </dev/null >>"$dir/log/watchdog.log" 2>&1 {lock_fd}>&- &
  echo $! >"$dir/pid/watchdog"
}

cmd_start() {
  local dir=$1
  check_machine
  ensure_mail_user
  mkdir -p "$dir"
  dir=$(readlink -f "$dir")
  if pid_of "$dir" dovecot >/dev/null || pid_of "$dir" dovecot-plain >/dev/null ||
     pid_of "$dir" smtpd >/dev/null; then
    die "servers already running in $dir (run: $SCRIPT stop $dir)"
  fi
  # The mail user and Dovecot's own users must reach DIR's subfolders.
  chmod 755 "$dir"
  runuser -u "$MAIL_USER" -- test -x "$dir" ||
    die "$dir is not reachable by user $MAIL_USER: use a directory whose parents are world-searchable (e.g. under /tmp)"
  mkdir -p "$dir/etc" "$dir/log" "$dir/pid" "$dir/run" "$dir/state"
  # Dovecot creates base_dir (run/NAME) itself, not state_dir's parent.
  mkdir -p "$dir/state/dovecot" "$dir/state/dovecot-plain"
  rm -f "$dir/env"

  # Stop whatever was started if any later step fails.
  trap 'status=$?; if ((status != 0 && status != 77)); then cmd_stop "$dir" >/dev/null 2>&1 || true; fi' EXIT

  make_certificates "$dir/tls"
  make_users "$dir" "$(openssl rand -hex 12)"
  make_maildirs "$dir"
  build_smtpd_tls_fix "$dir"

  rm -f "$dir/pid/smtpd-namespace"
  if smtpd_namespace_possible; then
    : >"$dir/pid/smtpd-namespace"
    # No lock to hold: a descriptor that the code below may close as well.
    exec {lock_fd}</dev/null
  else
    exec {lock_fd}>>"$SMTPD_LOCK"
    if ! flock -w "$SMTPD_LOCK_WAIT" "$lock_fd"; then
      die "another OpenSMTPD test instance holds $SMTPD_LOCK for more than ${SMTPD_LOCK_WAIT}s ($(cat "$SMTPD_LOCK.owner" 2>/dev/null || echo unknown))"
    fi
    check_no_smtpd_running
  fi

  local attempt status
  for attempt in 1 2 3; do
    [[ -f "$dir/pid/smtpd-namespace" ]] || echo "$dir" >"$SMTPD_LOCK.owner"
    status=0
    start_once "$dir" || status=$?
    ((status == 0)) && break
    ((status == 75)) || exit "$status"
    echo "servers.sh: a port was taken while starting (attempt $attempt), retrying" >&2
    cmd_stop "$dir" >/dev/null 2>&1
    mv "$dir/log/dovecot.log" "$dir/log/dovecot.log.$attempt" 2>/dev/null || true
    mv "$dir/log/dovecot-plain.log" "$dir/log/dovecot-plain.log.$attempt" 2>/dev/null || true
    mv "$dir/log/smtpd.log" "$dir/log/smtpd.log.$attempt" 2>/dev/null || true
    # The lock stays ours meanwhile: this script holds it too.
    ((attempt < 3)) || die "could not find free ports"
  done

  if [[ -n "${CT_HARNESS_OWNER_PID:-}" ]]; then
    start_watchdog "$dir" "$CT_HARNESS_OWNER_PID"
  fi
  trap - EXIT
  # Our copy of the lock descriptor closes with this script; smtpd's stays.
  exec {lock_fd}>&-
  echo "$dir/env"
}

# ---------------------------------------------------------------- stop

cmd_stop() {
  local dir=$1 pid
  [[ -d "$dir" ]] || return 0
  dir=$(readlink -f "$dir")
  local -a roots=()
  if [[ -z "${CT_HARNESS_IN_WATCHDOG:-}" ]] && pid=$(pid_of "$dir" watchdog); then
    roots+=("$pid")
  fi
  if pid=$(pid_of "$dir" smtpd); then
    # Leave nothing queued for the next instance.
    smtpctl_for "$dir" remove all >/dev/null 2>&1 || true
    roots+=("$pid")
  fi
  local name
  for name in dovecot dovecot-plain; do
    if pid=$(pid_of "$dir" "$name"); then
      roots+=("$pid")
    fi
  done
  stop_trees "${roots[@]}"
  rm -f "$dir/pid/watchdog" "$dir/pid/smtpd" "$dir/pid/dovecot" \
    "$dir/pid/dovecot-plain"
  if [[ "$(cat "$SMTPD_LOCK.owner" 2>/dev/null)" == "$dir" ]]; then
    rm -f "$SMTPD_LOCK.owner"
  fi
}

# ---------------------------------------------------------------- mail

# Default: write FILE byte for byte into new/ (tmp/ then rename, as the
# maildir spec says), no header added, line ends untouched; Dovecot indexes
# it on the next access. --doveadm: save it through Dovecot (`doveadm save`),
# which stores LF line ends.
cmd_deliver() {
  local dir=$1 user=$2 file=$3 mode=${4:-}
  ((EUID == 0)) || skip "deliver must run as root (it writes as $MAIL_USER)"
  [[ -r "$file" ]] || die "cannot read $file"
  user=$(local_part "$user")
  dir=$(readlink -f "$dir")
  if [[ "$mode" == --doveadm ]]; then
    doveadm -c "$dir/etc/dovecot.conf" save -u "$user" -m INBOX <"$file"
    return
  fi
  [[ -z "$mode" ]] || die "unknown option $mode"
  local maildir=$dir/mail/$user/Maildir name
  if [[ ! -d "$maildir/new" ]]; then
    mkdir -p "$maildir/"{new,cur,tmp}
    chown -R "$MAIL_USER:$MAIL_USER" "$dir/mail/$user"
  fi
  name="$(date +%s).M$(date +%N | cut -c1-6)P$$R$SRANDOM.ct-harness"
  cp "$file" "$maildir/tmp/$name"
  chown "$MAIL_USER:$MAIL_USER" "$maildir/tmp/$name"
  chmod 600 "$maildir/tmp/$name"
  mv "$maildir/tmp/$name" "$maildir/new/$name"
  echo "$maildir/new/$name"
}

cmd_wait_queue() {
  local dir=$1 timeout=${2:-30} queue deadline
  # Without a namespace smtpctl talks to whichever smtpd owns the
  # machine's socket: make sure it is this DIR's.
  dir=$(readlink -f "$dir")
  pid_of "$dir" smtpd >/dev/null || die "no smtpd running for $dir"
  deadline=$((SECONDS + timeout))
  while :; do
    queue=$(smtpctl_for "$dir" show queue 2>&1) || die "smtpctl show queue failed: $queue"
    [[ -z "$queue" ]] && return 0
    if ((SECONDS >= deadline)); then
      echo "$queue" >&2
      log_tail "$dir/log/smtpd.log" "$dir/log/dovecot.log"
      die "OpenSMTPD queue not empty after ${timeout}s"
    fi
    sleep 0.05
  done
}

cmd_fetch() {
  local dir=$1 user maildir
  user=$(local_part "$2")
  maildir=$(readlink -f "$dir")/mail/$user/Maildir
  [[ -d "$maildir" ]] || return 0
  # Maildir names start with the delivery time: version sort is oldest first.
  find "$maildir/new" "$maildir/cur" -maxdepth 1 -type f -printf '%f %p\n' |
    sort -V | cut -d' ' -f2-
}

# ---------------------------------------------------------------- main

main() {
  (($# >= 2)) || usage
  local command=$1 dir=$2
  shift 2
  case "$command" in
    start) (($# == 0)) || usage; cmd_start "$dir" ;;
    stop) (($# == 0)) || usage; cmd_stop "$dir" ;;
    deliver) (($# == 2 || $# == 3)) || usage; cmd_deliver "$dir" "$@" ;;
    wait-queue) (($# <= 1)) || usage; cmd_wait_queue "$dir" "$@" ;;
    fetch) (($# == 1)) || usage; cmd_fetch "$dir" "$1" ;;
    *) usage ;;
  esac
}

main "$@"

#!/usr/bin/env bash
# The main job of the README: a complete sale and a complete exchange, on the
# embedded defaults — a local maildir as the escrow's inbox, a dir:// outbox,
# a SQLite file, and example OpenPGP keys made for the demo. Each party's
# step is a real clear-signed e-mail dropped into the maildir; `cybertroc
# run` fetches, verifies, applies, answers; the story is printed as it goes.
#
#   bash examples/demo.sh            (as root it installs missing packages)
#   CT_DEMO_DIR=/tmp/x bash examples/demo.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$root"

# CT_DEMO_BINARY: run that binary and skip the build (the e2e test does,
# while ctest uses the build directory). Otherwise only the demo's packages
# and the two programs it runs (cybertroc, cybertroc-gpg-runner) are
# installed and built, in ./build-demo (.ci/build.sh demo).
if [[ -z "${CT_DEMO_BINARY:-}" ]]; then
  bash .ci/build.sh demo >/tmp/cybertroc-demo-build.log 2>&1 || {
    tail -40 /tmp/cybertroc-demo-build.log
    echo "demo: the build failed (log above)" >&2
    exit 1
  }
fi
ct="${CT_DEMO_BINARY:-$root/build-demo/cybertroc}"
demo=${CT_DEMO_DIR:-$root/demo}
# Each GnuPG home starts its own gpg-agent: stop them (also those of a
# previous run, whose homes are about to be deleted) so none lingers or
# answers for a home that no longer exists.
stop_agents() {
  local home
  for home in "$demo"/keys/*/ "$demo/gnupg"; do
    [[ -d "$home" ]] && gpgconf --homedir "$home" --kill all 2>/dev/null
  done
  return 0
}
stop_agents
trap stop_agents EXIT
rm -rf "$demo"
mkdir -p "$demo"/{maildir/new,maildir/cur,maildir/tmp,outbox,gnupg}
chmod 700 "$demo/gnupg"

# --- Keys: the escrow service, the operator, and two private persons. -------
keys="$demo/keys"
mkdir -p "$keys"
chmod 700 "$keys"
make_key() {  # NAME -> $keys/NAME (its own GNUPGHOME), prints the fingerprint
  local home="$keys/$1"
  mkdir -p "$home" && chmod 700 "$home"
  gpg --homedir "$home" --batch --quiet --passphrase '' \
    --quick-gen-key "$1 <$1@example.test>" ed25519 sign,cert never 2>/dev/null
  local fpr
  fpr=$(gpg --homedir "$home" --batch --with-colons --list-keys "$1@example.test" 2>/dev/null |
    awk -F: '/^fpr/ {print $10; exit}')
  gpg --homedir "$home" --batch --quiet --passphrase '' \
    --quick-add-key "$fpr" cv25519 encr never 2>/dev/null
  echo "$fpr"
}
escrow_fpr=$(make_key escrow)
operator_fpr=$(make_key operator)
make_key alice >/dev/null
make_key bob >/dev/null
# The service's own home holds its secret key and the operator's public key;
# the parties' keys arrive with their mail (Autocrypt), as in real life.
gpg --homedir "$keys/escrow" --batch --export-secret-keys "$escrow_fpr" 2>/dev/null |
  gpg --homedir "$demo/gnupg" --batch --quiet --import 2>/dev/null
gpg --homedir "$keys/operator" --batch --export "$operator_fpr" 2>/dev/null |
  gpg --homedir "$demo/gnupg" --batch --quiet --import 2>/dev/null
for who in alice bob operator; do  # each party knows the escrow's key
  gpg --homedir "$keys/escrow" --batch --export "$escrow_fpr" 2>/dev/null |
    gpg --homedir "$keys/$who" --batch --quiet --import 2>/dev/null
done

cat >"$demo/cybertroc.conf" <<EOF
[store]
database = $demo/cybertroc.db
[inbox]
url = maildir://$demo/maildir
[outbox]
url = dir://$demo/outbox
from = CyberTroc <escrow@example.test>
operator = operator@example.test
[gpg]
home = $demo/gnupg
escrow_key = $escrow_fpr
operator_key = $operator_fpr
[rules]
dir = $root/rules
[templates]
dir = $root/templates
default_language = en
[log]
level = warn
EOF
export CYBERTROC_CONFIG="$demo/cybertroc.conf"
# The operator's first step: create the database (only `init`, `run` and
# `daemon` may create it; any other command on a missing one says so).
"$ct" init

# --- Telling the story. ------------------------------------------------------
bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
seq=0
# mail WHO TEXT: WHO signs TEXT (gpg --clearsign) and mails it to the escrow.
mail() {
  local who=$1 text=$2 key
  seq=$((seq + 1))
  key=$(gpg --homedir "$keys/$who" --batch --export "$who@example.test" 2>/dev/null | base64 -w0)
  {
    printf 'From: %s <%s@example.test>\nTo: escrow@example.test\n' "${who^}" "$who"
    printf 'Subject: deal\nDate: %s\n' "$(date -R)"
    printf 'Message-ID: <demo.%s.%s@example.test>\n' "$seq" "$$"
    printf 'Autocrypt: addr=%s@example.test; keydata=%s\n' "$who" "$key"
    printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
    printf '%s\n' "$text" | gpg --homedir "$keys/$who" --batch --quiet --clearsign 2>/dev/null
  } >"$demo/maildir/new/demo.$seq.$$.eml"
  printf '  %-8s -> escrow:  %s\n' "$who" "$(printf '%s' "$text" | grep -E '^CT' | head -1)"
}
shown="$demo/.shown"
: >"$shown"
run() {  # one cron pass, then the notifications it sent
  "$ct" run >/dev/null
  for f in "$demo"/outbox/*.eml; do
    [[ -e "$f" ]] || continue
    grep -qxF "$f" "$shown" && continue
    echo "$f" >>"$shown"
    printf '  escrow   -> %-22s %s\n' "$(sed -n 's/^To: //p' "$f" | head -1)" \
      "$(sed -n 's/^Subject: //p' "$f" | head -1)"
  done
}
# The deal just offered (the only one waiting for an answer).
deal_id() { "$ct" --json list --state offered | sed -n 's/.*"id": "\(CT-[0-9A-Z]*\)".*/\1/p' | tail -1; }
state() { "$ct" --json show "$1" | sed -n 's/^  "state": "\(.*\)",/\1/p'; }

bold "1. A sale: Alice sells a CD to Bob (price 25.00, shipping 5.00)"
mail alice "Hello Bob, here is my offer.

CT 10 SALE
buyer: bob@example.test
item: Kind of Blue, CD, mint
price: 25,00 EUR
shipping: 5.00
lang: en"
run
sale=$(deal_id)
mail bob "$sale 11"
run
bold "   The operator receives the bank transfers and records them"
"$ct" deposit "$sale" seller 30.25 --ref VIR-001
"$ct" deposit "$sale" buyer 60.25 --ref VIR-002
run
mail alice "$sale 40 Colissimo 6A12345678901"
run
mail bob "Arrived safely, thank you!
$sale 61"
run
echo "  => $sale is $(state "$sale")"

bold "2. An exchange: Alice swaps a CD with Bob, hand delivery (value 20.00)"
mail alice "CT 10 EXCHANGE
with: bob@example.test
give: Kind of Blue (CD)
take: A Love Supreme (CD)
value: 20.00
delivery: hand
lang: en"
run
swap=$(deal_id)
mail bob "$swap 11"
run
"$ct" deposit "$swap" a 20.20 --ref VIR-003
"$ct" deposit "$swap" b 20.20 --ref VIR-004
run
mail alice "$swap 40"
mail bob "$swap 40"
run
mail bob "$swap 61"
mail alice "$swap 61"
run
echo "  => $swap is $(state "$swap")"

bold "3. The payout instructions the operator must now execute"
"$ct" payouts --pending
first=$("$ct" --json payouts --pending | sed -n 's/^    "id": \([0-9]*\),/\1/p' | head -1)
"$ct" payout-done "$first" --ref BANK-2027-0001

bold "4. What Alice received last (decrypted with her key)"
last=$(grep -l '^To: alice@example.test' "$demo"/outbox/*.eml | tail -1)
sed -n '/-----BEGIN PGP MESSAGE-----/,/-----END PGP MESSAGE-----/p' "$last" |
  gpg --homedir "$keys/alice" --batch --quiet --decrypt 2>/dev/null |
  sed -n '/^Content-Transfer-Encoding/,/^--ct-/p' | sed '1,2d;/^--ct-/d' |
  perl -MMIME::QuotedPrint -e 'print decode_qp(join "", <STDIN>)' | tr -d '\r' | head -30

bold "5. The support view of the sale"
"$ct" show "$sale"
echo
echo "Everything is in $demo (config, database, maildir, outbox, keys)."

# Who starts each gpg process and who calls each fsync: reads the output of
#   strace -f -k -qq -e trace=execve,fsync,fdatasync -o FILE cybertroc ...
# and prints one line per (event, call chain) with its count, most frequent
# first, e.g.
#   600  exec gpg --version  <= crypto::LookupKey < app::SendOutbox < ...
# An event is a successful execve of a gpg* program (named by the operation
# its arguments ask for) or an fsync/fdatasync; the chain is its innermost
# DEPTH (default 4) ct:: stack frames. Used by tests/bench/run.sh.
function flush() {
  if (event != "") count[event "  <= " chain]++
  event = ""; chain = ""; depth = 0
}

function operation(line) {
  if (line ~ /"--version"/) return "--version"
  if (line ~ /"--list-dirs"/) return "--list-dirs"
  if (line ~ /"--list-components"/) return "--list-components"
  if (line ~ /"--list-secret-keys"/) return "--list-secret-keys"
  if (line ~ /"--list-keys"/) return "--list-keys"
  if (line ~ /"--encrypt"/ && line ~ /"--sign"/) return "--encrypt --sign"
  if (line ~ /"--encrypt"/) return "--encrypt"
  if (line ~ /"--detach"/) return "--sign --detach"
  if (line ~ /"--sign"/) return "--sign"
  if (line ~ /"--decrypt"/) return "--decrypt"
  if (line ~ /"--import"/) return "--import"
  if (line ~ /"--verify"/) return "--verify"
  # gpgme verifies a clear-signed text with plain output as "--output -".
  if (line ~ /"--output"/) return "--verify (clear-signed)"
  return "(other)"
}

BEGIN { if (DEPTH == "") DEPTH = 4 }

/^[0-9]+ +(execve|fsync|fdatasync)\(/ {
  flush()
  if ($0 ~ /execve\(/) {
    if ($0 ~ / = -1 / || $0 !~ /execve\("[^"]*\/gpg[^"\/]*"/) next
    program = $0
    sub(/^[^"]*"/, "", program); sub(/".*/, "", program)
    sub(/.*\//, "", program)
    event = "exec " program " " operation($0)
  } else {
    event = ($0 ~ /fdatasync\(/) ? "fdatasync" : "fsync"
  }
  next
}

/^ > / && event != "" && depth < DEPTH && /\(ct::/ {
  frame = $0
  gsub(/\(anonymous namespace\)::/, "", frame)
  sub(/^[^(]*\(ct::/, "", frame)
  sub(/\(.*/, "", frame)
  sub(/\+0x.*/, "", frame)
  chain = chain (chain == "" ? "" : " < ") frame
  depth++
}

END {
  flush()
  for (key in count) printf "%6d  %s\n", count[key], key
}

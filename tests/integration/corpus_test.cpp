// The inbound-mail corpus (SPEC section 2 "What every incoming message
// gets", "What counts as signed", the replay rules, and section 6 "a bad
// input gets a clear outcome and changes nothing else"), run through the
// real binary with real GnuPG keys and a real neomutt.
//
// Once per run: fresh keys (tests/harness/gpg.sh), an escrow GNUPGHOME that
// knows only the operator's key, and a baseline world in which alice offered
// a sale to bob (clear-signed, key in an Autocrypt header), bob's key was
// imported with `keys import` and bob accepted: the deal is awaiting
// deposits. Every case then runs in its own copy of that world (database and
// escrow GNUPGHOME), so that one case can neither help nor spoil another:
// its message(s) go into maildir/new, `cybertroc run` processes them, and the
// case checks the inbox row of its Message-ID (status, outcome), the replies
// queued for it (to whom, which template), the quarantine, and that the deal
// (state, held, ledger, parties, non-refused events), the deal list and the
// key bindings did not change unless the case says how they must.
//
// tests/corpus/README.md lists every case and its expected outcome; the
// fixed unsigned samples live next to it, signed mail is made here, now, by
// the fresh keys. Skips when gpg, neomutt or tmux is missing.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <functional>
#include <set>

#include "corpus_util.h"

namespace {

using namespace corpus;
using namespace std::chrono_literals;

const std::string kSource = CT_TEST_SOURCE_DIR;
const std::string kHarness = kSource + "/tests/harness";
const std::string kAlice = "alice@example.test";
const std::string kBob = "bob@example.test";
const std::string kCarol = "carol@example.test";
const std::string kOperator = "operator@example.test";
// Addresses that may ever receive mail from the escrow in this corpus.
const std::set<std::string> kKnown = {kAlice, kBob, kOperator};
// Put in the unsigned text of the corpus (also in tests/corpus/*.eml): no
// reply may ever quote it.
const std::string kMarker = "UNSIGNED-TEXT-MARKER";

// ------------------------------------------------------------- the world

// One cybertroc installation: config, database, maildir, outbox, GNUPGHOME.
struct World {
  fs::path dir;
  fs::path home;  // escrow GNUPGHOME
  fs::path conf;
  fs::path db() const { return dir / "db" / "ct.db"; }
};

struct Env {
  std::string skip;   // why every test skips ("" = run)
  std::string error;  // why the baseline could not be built
  fs::path root, gnupg, tmp;
  std::map<std::string, std::string> keys;  // keys.env
  std::map<std::string, fs::path> party;    // name -> party GNUPGHOME
  World base;
  std::string deal;        // the baseline deal, awaiting_deposits
  std::string offer_raw;   // alice's offer as delivered
  std::string accept_raw;  // bob's acceptance as delivered
  int serial = 0;          // unique names
};

Env& E() {
  static Env env;
  return env;
}

std::string Fpr(const std::string& name) { return E().keys["CT_FPR_" + name]; }

void WriteConfig(const World& w) {
  fs::create_directories(w.dir / "db");
  for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(w.dir / "maildir" / sub);
  fs::create_directories(w.dir / "out");
  // deposit_days: the old-signature case runs 8 days later; the deal must
  // not time out under it (reminders fire 7 and 1 days before 30 days).
  WriteFile(w.conf,
            "[store]\ndatabase = " + w.db().string() + "\n" +
                "[inbox]\nurl = maildir://" + (w.dir / "maildir").string() + "\n" +
                "[outbox]\nurl = dir://" + (w.dir / "out").string() + "\n" +
                "from = CyberTroc <escrow@example.test>\n"
                "operator = " + kOperator + "\n" +
                "[gpg]\nhome = " + w.home.string() + "\n" +
                "escrow_key = " + Fpr("ESCROW") + "\n" +
                "operator_key = " + Fpr("OPERATOR") + "\n" +
                "[rules]\ndir = " + kSource + "/rules\n" +
                "[templates]\ndir = " + kSource + "/templates\n" +
                "default_language = en\n" +
                "[deadlines]\ndeposit_days = 30\n" +
                "[log]\nfile = " + (w.dir / "ct.log").string() + "\n");
}

ShellResult Cli(const World& w, const std::vector<std::string>& args,
                std::chrono::seconds clock_offset = 0s) {
  std::string cmd = "CYBERTROC_NOW=" +
                    IsoTime(std::chrono::system_clock::now() + clock_offset) + " " +
                    Quote(CT_BINARY) + " --config " + Quote(w.conf.string());
  for (const auto& a : args) cmd += " " + Quote(a);
  return Shell(cmd, w.dir / "cli.stderr");
}

// Puts `raw` in maildir/new as a delivery agent would.
void Deliver(const World& w, const std::string& raw) {
  const std::string name = std::to_string(EpochNow()) + ".corpus" +
                           std::to_string(++E().serial) + ".example.test";
  WriteFile(w.dir / "maildir" / "tmp" / name, raw);
  fs::rename(w.dir / "maildir" / "tmp" / name, w.dir / "maildir" / "new" / name);
}

std::optional<Json> JsonOf(const World& w, const std::vector<std::string>& args) {
  std::vector<std::string> full = {"--json"};
  full.insert(full.end(), args.begin(), args.end());
  ShellResult r = Cli(w, full);
  if (r.status != 0) return std::nullopt;
  return Json::Parse(r.out);
}

// A world of its own for one case: a copy of the baseline.
World Fork(const std::string& name) {
  Env& env = E();
  World w;
  w.dir = env.root / "cases" / name;
  w.home = env.gnupg / "party" / ("case-" + name);  // gpg.sh kill finds it
  w.conf = w.dir / "ct.conf";
  CopyTree(env.base.dir / "db", w.dir / "db");
  CopyTree(env.base.home, w.home);
  WriteConfig(w);
  return w;
}

void StopAgent(const fs::path& home) {
  std::system(("gpgconf --homedir " + Quote(home.string()) + " --kill all >/dev/null 2>&1")
                  .c_str());
}

// ------------------------------------------------------------- signing

struct SignOptions {
  std::optional<long long> sign_time{};  // CT_SIGN_TIME
  std::string extra_headers{};           // CT_EXTRA_HEADERS
};

fs::path TmpFile(const std::string& stem) {
  return E().tmp / (stem + "." + std::to_string(++E().serial));
}

// sign.sh clearsign: a text/plain message whose body is gpg --clearsign.
std::string Clear(const std::string& signer, const std::string& key,
                  const std::string& from, const std::string& text,
                  const SignOptions& opt = {}) {
  fs::path body = TmpFile("body"), out = TmpFile("eml");
  WriteFile(body, text);
  std::string cmd;
  if (opt.sign_time) cmd += "CT_SIGN_TIME=" + std::to_string(*opt.sign_time) + " ";
  if (!opt.extra_headers.empty()) cmd += "CT_EXTRA_HEADERS=" + Quote(opt.extra_headers) + " ";
  cmd += Quote(kHarness + "/sign.sh") + " clearsign " + Quote(E().party[signer].string()) +
         " " + Quote(key) + " " + Quote(from) + " escrow@example.test " +
         Quote(body.string()) + " " + Quote(out.string());
  ShellResult r = Shell(cmd, TmpFile("stderr"));
  EXPECT_EQ(r.status, 0) << cmd << "\n" << r.err;
  return ReadFile(out);
}

// sign.sh neomutt: PGP/MIME made by neomutt with `signer`'s key.
std::string Neomutt(const std::string& signer, const std::string& from,
                    const std::string& text) {
  fs::path body = TmpFile("body"), out = TmpFile("eml");
  WriteFile(body, text);
  std::string cmd = Quote(kHarness + "/sign.sh") + " neomutt " +
                    Quote(E().party[signer].string()) + " " + Quote(from) +
                    " escrow@example.test " + Quote(body.string()) + " " +
                    Quote(out.string());
  ShellResult r = Shell(cmd, TmpFile("stderr"));
  EXPECT_EQ(r.status, 0) << cmd << "\n" << r.err;
  return ReadFile(out);
}

// Runs gpg in `home` with `args` on `input`; stdout.
std::string Gpg(const fs::path& home, const std::string& args, const std::string& input) {
  fs::path in = TmpFile("gpgin");
  WriteFile(in, input);
  std::string cmd = "gpg --homedir " + Quote(home.string()) +
                    " --batch --quiet --pinentry-mode loopback --passphrase '' " + args +
                    " <" + Quote(in.string());
  ShellResult r = Shell(cmd, TmpFile("stderr"));
  EXPECT_EQ(r.status, 0) << cmd << "\n" << r.err;
  return r.out;
}

// An Autocrypt header offering `name`'s public key (as exported by
// gpg.sh, so mallory-revoked's carries its revocation), folded.
std::string Autocrypt(const std::string& name, const std::string& addr) {
  std::string armored = ReadFile(E().gnupg / "pub" / (name + ".asc"));
  std::string binary = Gpg(E().gnupg, "--dearmor", armored);
  std::string b64 = Base64(binary, 72);
  std::string folded;
  std::istringstream lines(b64);
  for (std::string line; std::getline(lines, line);) folded += "\n " + line;
  return "Autocrypt: addr=" + addr + "; keydata=" + folded;
}

std::string FreshId(const std::string& tag) {
  return "<corpus-" + tag + "-" + std::to_string(++E().serial) + "." +
         std::to_string(EpochNow()) + "@example.test>";
}

// The same message with new Date and Message-ID: what a replay looks like.
std::string Refresh(const std::string& raw, const std::string& tag) {
  Message m = Message::Split(raw);
  m.SetHeader("Message-ID", FreshId(tag));
  m.SetHeader("Date", "Mon, 23 Nov 2026 09:00:00 +0000");
  return m.Join();
}

std::string MessageIdOf(const std::string& raw) {
  return Message::Split(raw).Header("Message-ID");
}

// A fixed sample from tests/corpus/, {{DEAL}} replaced by the deal id.
std::string Fixed(const std::string& file) {
  std::string raw = ReadFile(kSource + "/tests/corpus/" + file);
  EXPECT_FALSE(raw.empty()) << file;
  return ReplaceAll(raw, "{{DEAL}}", E().deal);
}

// A PGP/MIME message around `part` (headers + body, LF), signed detached
// by `signer` over its CRLF canonical form, as RFC 3156 says.
std::string PgpMime(const std::string& signer, const std::string& key,
                    const std::string& from, const std::string& part,
                    const std::string& tag) {
  std::string sig = Gpg(E().party[signer], "--armor --detach-sign --local-user " + Quote(key),
                        ToCrlf(part));
  const std::string b = "=-corpus-" + tag + "-signed";
  return "Date: Sun, 22 Nov 2026 10:00:00 +0000\nFrom: " + from +
         "\nTo: escrow@example.test\nSubject: cybertroc test\nMessage-ID: " + FreshId(tag) +
         "\nMIME-Version: 1.0\nContent-Type: multipart/signed; micalg=pgp-sha256;\n"
         "\tprotocol=\"application/pgp-signature\"; boundary=\"" + b + "\"\n\n"
         "--" + b + "\n" + part + "\n--" + b + "\n"
         "Content-Type: application/pgp-signature; name=\"signature.asc\"\n\n" +
         sig + "\n--" + b + "--\n";
}

// --------------------------------------------------------- encryption

// A MIME entity (CRLF, as a mail client encrypts it): text/plain `text`.
std::string PlainEntity(const std::string& text) {
  return ToCrlf("Content-Type: text/plain; charset=utf-8\n\n" + text);
}

// A PGP/MIME multipart/signed entity (CRLF) around the text/plain `text`,
// `signer`'s detached signature over the exact CRLF bytes of the part.
std::string SignedEntity(const std::string& signer, const std::string& key,
                         const std::string& text, const std::string& tag) {
  const std::string part = PlainEntity(text);
  std::string sig = Gpg(E().party[signer], "--armor --detach-sign --local-user " + Quote(key),
                        part);
  const std::string b = "=-corpus-" + tag + "-inner";
  return ToCrlf("Content-Type: multipart/signed; micalg=pgp-sha256;\n"
                "\tprotocol=\"application/pgp-signature\"; boundary=\"" + b + "\"\n\n"
                "--" + b + "\n") +
         part + ToCrlf("\n--" + b + "\n"
                       "Content-Type: application/pgp-signature; name=\"signature.asc\"\n\n" +
                       sig + "\n--" + b + "--\n");
}

// `entity` encrypted by `sender` (gpg in the sender's home) to `recipient`'s
// primary fingerprint (keys.env; the home holds every public key), signed in
// the same OpenPGP message when `sign_key` is set (gpg --encrypt --sign, as
// Thunderbird sends), as a PGP/MIME encrypted mail From `from`.
std::string Encrypted(const std::string& sender, const std::string& from,
                      const std::string& recipient, const std::string& entity,
                      const std::string& tag, const std::string& sign_key = "") {
  std::string args = "--trust-model always --armor --encrypt --recipient " +
                     Quote(Fpr(recipient));
  if (!sign_key.empty()) args += " --sign --local-user " + Quote(sign_key);
  std::string armored = Gpg(E().party[sender], args, entity);
  EXPECT_TRUE(Contains(armored, "-----BEGIN PGP MESSAGE-----")) << armored;
  return PgpMimeEncrypted("Date: Sun, 22 Nov 2026 10:00:00 +0000\nFrom: " + from +
                              "\nTo: escrow@example.test\nSubject: ...\nMessage-ID: " +
                              FreshId(tag) + "\n",
                          armored, "=-corpus-" + tag + "-encrypted");
}

// The first part of a multipart message: [begin, end) of its bytes.
std::pair<size_t, size_t> FirstPart(const std::string& raw) {
  std::string b = BoundaryOf(Message::Split(raw).Header("Content-Type"));
  size_t begin = raw.find("\n--" + b + "\n");
  if (begin == std::string::npos) return {0, 0};
  begin += b.size() + 4;
  size_t end = raw.find("\n--" + b, begin);
  return {begin, end};
}

// Digits 0-9 as fullwidth forms (U+FF10..FF19).
std::string Fullwidth(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      out += "\xEF\xBC";
      out += static_cast<char>(0x90 + (c - '0'));
    } else {
      out += c;
    }
  }
  return out;
}

// -------------------------------------------------------------- baseline

void BuildBaseline() {
  Env& env = E();
  if (!HaveTool("gpg") || !HaveTool("gpgconf") || !HaveTool("gpg-agent")) {
    env.skip = "gpg not found (apt-get install gnupg)";
    return;
  }
  if (!HaveTool("neomutt") || !HaveTool("tmux")) {
    env.skip = "neomutt or tmux not found (apt-get install neomutt tmux)";
    return;
  }
  char tmpl[] = "/tmp/ct-corpus-XXXXXX";
  if (!mkdtemp(tmpl)) {
    env.error = "mkdtemp failed";
    return;
  }
  env.root = tmpl;
  env.gnupg = env.root / "gnupg";
  env.tmp = env.root / "tmp";
  fs::create_directories(env.tmp);
  // The harness's watchdogs stop every gpg-agent if this process dies.
  setenv("CT_HARNESS_OWNER_PID", std::to_string(getpid()).c_str(), 1);
  ShellResult made = Shell(Quote(kHarness + "/gpg.sh") + " make-home " +
                               Quote(env.gnupg.string()),
                           env.tmp / "make-home.err");
  if (made.status == 77) {
    env.skip = made.out;
    return;
  }
  if (made.status != 0) {
    env.error = "gpg.sh make-home: " + made.err;
    return;
  }
  env.keys = ReadEnv(env.gnupg / "keys.env");
  for (const char* name :
       {"alice", "bob", "carol", "operator", "mallory-expired", "mallory-revoked"}) {
    ShellResult r = Shell(Quote(kHarness + "/gpg.sh") + " party-home " +
                              Quote(env.gnupg.string()) + " " + name,
                          env.tmp / "party.err");
    if (r.status != 0) {
      env.error = std::string("gpg.sh party-home ") + name + ": " + r.err;
      return;
    }
    env.party[name] = env.gnupg / "party" / name;
  }
  // The escrow knows the operator's key only: it learns the parties' keys
  // from their mail (Autocrypt) or from `keys import`.
  ShellResult escrow =
      Shell("CT_PARTY_PUBLIC_KEYS=operator " + Quote(kHarness + "/gpg.sh") + " party-home " +
                Quote(env.gnupg.string()) + " escrow",
            env.tmp / "party.err");
  if (escrow.status != 0) {
    env.error = "gpg.sh party-home escrow: " + escrow.err;
    return;
  }
  env.base.dir = env.root / "base";
  env.base.home = env.gnupg / "party" / "escrow";
  env.base.conf = env.base.dir / "ct.conf";
  WriteConfig(env.base);

  // alice offers, signing with her primary key ("FPR!"); her key travels in
  // an Autocrypt header.
  env.offer_raw = Clear("alice", Fpr("ALICE") + "!", kAlice,
                        "CT 10 SALE\nbuyer: " + kBob +
                            "\nitem: Kind of Blue, CD, mint\nprice: 25.00\n"
                            "shipping: 5.00\ndelivery: post\nlang: en\n",
                        {.extra_headers = Autocrypt("alice", kAlice)});
  Deliver(env.base, env.offer_raw);
  ShellResult run = Cli(env.base, {"run"});
  if (run.status != 0) {
    env.error = "baseline run (offer): " + run.err;
    return;
  }
  InboxRow offer = Db(env.base.db()).Inbox(MessageIdOf(env.offer_raw));
  const std::string opened = "offer: opened ";
  if (offer.status != "processed" || offer.outcome.rfind(opened, 0) != 0) {
    env.error = "baseline offer not applied: " + offer.status + " " + offer.outcome;
    return;
  }
  env.deal = offer.outcome.substr(opened.size(), 11);

  ShellResult import = Cli(env.base, {"keys", "import", (env.gnupg / "pub" / "bob.asc").string()});
  if (import.status != 0) {
    env.error = "keys import bob: " + import.err;
    return;
  }
  env.accept_raw = Clear("bob", kBob, kBob, env.deal + " 11\n");
  Deliver(env.base, env.accept_raw);
  run = Cli(env.base, {"run"});
  if (run.status != 0) {
    env.error = "baseline run (accept): " + run.err;
    return;
  }
  auto show = JsonOf(env.base, {"show", env.deal});
  if (!show || show->Str("state") != "awaiting_deposits") {
    env.error = "baseline deal is not awaiting_deposits: " + (show ? show->Dump() : "?");
    return;
  }
  // TOFU pinned primary fingerprints.
  auto bindings = JsonOf(env.base, {"keys", "list"});
  std::map<std::string, std::string> bound;
  if (bindings)
    for (const auto& b : bindings->items) bound[b.Str("email")] = b.Str("fingerprint");
  if (bound[kAlice] != Fpr("ALICE") || bound[kBob] != Fpr("BOB")) {
    env.error = "baseline bindings: " + (bindings ? bindings->Dump() : "?");
    return;
  }
  StopAgent(env.base.home);
}

class CorpusEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { BuildBaseline(); }
  void TearDown() override {
    Env& env = E();
    if (env.root.empty()) return;
    Shell(Quote(kHarness + "/gpg.sh") + " kill " + Quote(env.gnupg.string()),
          env.root / "kill.err");
    if (std::getenv("CT_CORPUS_KEEP")) {
      std::cerr << "corpus: kept " << env.root << "\n";
      return;
    }
    std::error_code ec;
    fs::remove_all(env.root, ec);
  }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new CorpusEnvironment);

// ------------------------------------------------------------ the cases

// One delivery, then one `cybertroc run` (the clock shifted if asked).
struct Step {
  std::string raw;
  std::chrono::seconds clock_offset{0};
};

enum class DealCheck {
  kUnchanged,  // nothing but refused-event history may be added
  kStatus,     // unchanged but for one accepted 00 event by `actor`
  kCustom,     // the case's `check` says
};

struct Expect {
  std::string status;       // processed | refused | quarantined | ignored
  std::string outcome_has;  // in the inbox outcome (case-insensitive)
  // Every outbox row answering the message, as "to:templates"; "*" as
  // templates means any. Unset: the case's `check` looks.
  std::optional<std::vector<std::string>> replies{};
  DealCheck deal = DealCheck::kUnchanged;
  std::string actor{};  // for kStatus
  // A refusal about the deal must say why, the state and what the sender
  // may send now (SPEC 2, "Refused").
  bool refusal_explains = false;
  double max_seconds = 20;  // for the last run
};

struct Outcome;
struct CaseDef {
  std::string name;
  std::function<std::vector<Step>()> build;  // the last step is the case
  Expect expect;
  std::function<void(const Outcome&)> check{};  // extra assertions
};

struct Outcome {
  World world;
  std::string message_id;
  InboxRow inbox;
  std::vector<OutboxRow> replies;
  Json before, after;  // --json show of the deal
  ShellResult run;
};

// The deal without the mail log and without refused attempts: what must
// not change when a message is not acted upon.
Json Substance(Json show) {
  show.Erase("messages");
  if (Json* events = const_cast<Json*>(show.Find("events"))) {
    std::vector<Json> kept;
    for (auto& e : events->items)
      if (!e.IsTrue("refused")) kept.push_back(e);
    events->items = kept;
  }
  return show;
}

std::vector<Json> EventsOf(const Json& show, bool refused) {
  std::vector<Json> out;
  if (const Json* events = show.Find("events"))
    for (const auto& e : events->items)
      if (e.IsTrue("refused") == refused) out.push_back(e);
  return out;
}

std::string Describe(const std::vector<OutboxRow>& rows) {
  std::string out;
  for (const auto& r : rows) out += "\n  " + r.to + " kind=" + r.kind + " templates=" + r.templates;
  return out.empty() ? " (none)" : out;
}

std::string D() { return E().deal; }

// Each case: the messages, then the expected outcome (SPEC section 2).
std::vector<CaseDef> Cases() {
  std::vector<CaseDef> c;

  // ---- What counts as signed
  c.push_back({"wrapped_in_mixed",
               [] {
                 // alice's genuine PGP/MIME 00, wrapped by an attacker in an
                 // unsigned multipart/mixed after a withdrawal (13).
                 Message inner = Message::Split(Neomutt("alice", kAlice, D() + " 00\n"));
                 const std::string b = "attack-outer-boundary";
                 std::string raw =
                     "Date: Sun, 22 Nov 2026 10:00:00 +0000\nFrom: " + kAlice +
                     "\nTo: escrow@example.test\nSubject: withdraw\nMessage-ID: " +
                     FreshId("wrapped") +
                     "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"" + b +
                     "\"\n\n--" + b + "\nContent-Type: text/plain; charset=utf-8\n\n" + D() +
                     " 13\n" + kMarker + "\n\n--" + b + "\nContent-Type: " + inner.Header("Content-Type") +
                     "\n\n" + inner.body + "\n--" + b + "--\n";
                 return std::vector<Step>{{raw}};
               },
               {"quarantined", "not signed", std::vector<std::string>{kAlice + ":unsigned"}}});
  c.push_back({"text_around_clearsigned",
               [] {
                 Message m = Message::Split(Clear("alice", kAlice, kAlice, D() + " 00\n"));
                 m.body = D() + " 13\n" + kMarker + "\n\n" + m.body + "\nPS: " + D() +
                          " 13 " + kMarker + "\n";
                 return std::vector<Step>{{m.Join()}};
               },
               {"quarantined", "outside the signed block",
                std::vector<std::string>{kAlice + ":unsigned"}}});
  c.push_back({"two_clearsigned_blocks",
               [] {
                 Message a = Message::Split(Clear("alice", kAlice, kAlice, D() + " 00\n"));
                 Message b = Message::Split(Clear("alice", kAlice, kAlice, D() + " 13\n"));
                 a.body += "\n" + b.body;
                 return std::vector<Step>{{a.Join()}};
               },
               {"quarantined", "more than one signed block",
                std::vector<std::string>{kAlice + ":unsigned"}}});
  c.push_back({"two_signatures",
               [] {
                 // gpg --clearsign -u alice -u bob, from the home holding both.
                 std::string signed_text =
                     Gpg(E().gnupg, "--clearsign -u " + Fpr("ALICE") + " -u " + Fpr("BOB"),
                         D() + " 00\n");
                 std::string raw = "Date: Sun, 22 Nov 2026 10:00:00 +0000\nFrom: " + kAlice +
                                   "\nTo: escrow@example.test\nSubject: status\nMessage-ID: " +
                                   FreshId("twosig") +
                                   "\nMIME-Version: 1.0\nContent-Type: text/plain; "
                                   "charset=utf-8\n\n" +
                                   signed_text;
                 return std::vector<Step>{{raw}};
               },
               {"quarantined", "more than one signature",
                std::vector<std::string>{kAlice + ":unsigned"}}});
  c.push_back({"bad_signature",
               [] {
                 // Signed "00", then changed to "13" on the way.
                 std::string raw = Clear("alice", kAlice, kAlice, D() + " 00\n");
                 raw = ReplaceAll(raw, D() + " 00", D() + " 13");
                 return std::vector<Step>{{raw}};
               },
               {"quarantined", "does not match", std::vector<std::string>{kAlice + ":unsigned"}}});
  c.push_back({"unknown_key_stranger",
               [] { return std::vector<Step>{{Clear("carol", kCarol, kCarol, D() + " 00\n")}}; },
               {"quarantined", "unknown", std::vector<std::string>{}}});
  c.push_back({"unknown_key_from_party",
               [] { return std::vector<Step>{{Clear("carol", kCarol, kAlice, D() + " 13\n")}}; },
               {"quarantined", "unknown", std::vector<std::string>{kAlice + ":unsigned"}}});
  c.push_back({"expired_key",
               [] {
                 const std::string addr = "mallory-expired@example.test";
                 long long created = std::stoll(E().keys["CT_MALLORY_EXPIRED_CREATED"]);
                 return std::vector<Step>{
                     {Clear("mallory-expired", addr, addr, D() + " 00\n",
                            {.sign_time = created + 86400,
                             .extra_headers = Autocrypt("mallory-expired", addr)})}};
               },
               {"quarantined", "expired", std::vector<std::string>{}}});
  c.push_back({"revoked_key",
               [] {
                 const std::string addr = "mallory-revoked@example.test";
                 return std::vector<Step>{
                     {Clear("mallory-revoked", addr, addr, D() + " 00\n",
                            {.extra_headers = Autocrypt("mallory-revoked", addr)})}};
               },
               {"quarantined", "revoked", std::vector<std::string>{}}});
  c.push_back(
      {"subkey_signature",
       [] {
         // gpg picks alice's signing subkey by default; the binding pins
         // her primary (the offer was signed by the primary).
         std::string raw = Clear("alice", kAlice, kAlice, D() + " 00\n");
         std::string status =
             Gpg(E().party["alice"], "--status-fd 1 --verify", Message::Split(raw).body);
         EXPECT_TRUE(Contains(status, "VALIDSIG " + Fpr("ALICE_SUBKEY")))
             << "not signed by the subkey:\n" << status;
         return std::vector<Step>{{raw}};
       },
       {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
        DealCheck::kStatus, "seller"}});
  c.push_back({"other_party_key",
               [] {
                 // bob's own, bound key signs a mail From alice.
                 return std::vector<Step>{{Clear("bob", kBob, kAlice, D() + " 13\n")}};
               },
               // The reply goes to the From address because it is a bound
               // one (alice's), as for unverifiable mail; bob gets nothing.
               {"refused", "bound", std::vector<std::string>{kAlice + ":refusal"},
                DealCheck::kUnchanged, "", true}});
  c.push_back({"signer_not_bound_to_from",
               [] {
                 // carol offers her key and signs a mail From alice; carol's
                 // UID does not carry alice's address.
                 return std::vector<Step>{{Clear("carol", kCarol, kAlice, D() + " 13\n",
                                                 {.extra_headers = Autocrypt("carol", kCarol)})}};
               },
               // alice (bound) is told; carol (unknown) never is.
               {"refused", "bound", std::vector<std::string>{kAlice + ":refusal"},
                DealCheck::kUnchanged, "", true}});

  // ---- PGP/MIME encrypted (integrity-protected) around a signed root
  c.push_back(
      {"encrypted_and_signed_one_message",
       [] {
         // gpg --encrypt --sign -r ESCROW -u alice (Thunderbird's way).
         return std::vector<Step>{{Encrypted("alice", kAlice, "ESCROW",
                                             PlainEntity(D() + " 00\n"), "encsign", kAlice)}};
       },
       {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
        DealCheck::kStatus, "seller"},
       [](const Outcome& o) {
         // Nothing of the decrypted entity (its MIME header, the command as
         // quoted text, armor) beyond what a status reply shows anyway.
         for (const auto& r : o.replies) {
           EXPECT_FALSE(Contains(r.body, "charset=utf-8") || Contains(r.body, "-----BEGIN PGP") ||
                        Contains(r.body, "> " + D()) || Contains(r.subject, "charset"))
               << "reply quotes decrypted text:\n" << r.subject << "\n" << r.body;
           EXPECT_TRUE(Contains(r.body, "Deal " + D())) << r.body;
         }
       }});
  c.push_back({"encrypted_clearsigned_inside",
               [] {
                 Message m = Message::Split(Clear("alice", kAlice, kAlice, D() + " 00\n"));
                 return std::vector<Step>{
                     {Encrypted("alice", kAlice, "ESCROW", PlainEntity(m.body), "encclear")}};
               },
               {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
                DealCheck::kStatus, "seller"}});
  c.push_back({"encrypted_pgpmime_inside",
               [] {
                 return std::vector<Step>{
                     {Encrypted("alice", kAlice, "ESCROW",
                                SignedEntity("alice", kAlice, D() + " 00\n", "encmime"),
                                "encmime")}};
               },
               {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
                DealCheck::kStatus, "seller"}});
  c.push_back({"encrypted_unsigned_inside",
               [] {
                 return std::vector<Step>{{Encrypted("alice", kAlice, "ESCROW",
                                                     PlainEntity(D() + " 13\n" + kMarker + "\n"),
                                                     "encplain")}};
               },
               {"quarantined", "not signed", std::vector<std::string>{kAlice + ":unsigned"}}});
  c.push_back({"encrypted_to_another_key",
               [] {
                 // Signed by alice, encrypted to bob: the escrow cannot read it.
                 return std::vector<Step>{{Encrypted("alice", kAlice, "BOB",
                                                     PlainEntity(D() + " 13\n"), "encbob",
                                                     kAlice)}};
               },
               {"quarantined", "decrypt", std::vector<std::string>{kAlice + ":unsigned"}}});

  // ---- Replay rules
  c.push_back({"replay_accept",
               [] { return std::vector<Step>{{Refresh(E().accept_raw, "replay-accept")}}; },
               {"quarantined", "replay", std::vector<std::string>{}}});
  c.push_back({"replay_with_trailing_blanks",
               [] {
                 // An accepted clear-signed 00, then the same signature again
                 // with blanks added at the ends of its lines (gpg ignores
                 // them, so it still verifies): still the same signature.
                 std::string first = Clear("alice", kAlice, kAlice, D() + " 00\nmerci\n");
                 Message m = Message::Split(Refresh(first, "replay-blanks"));
                 m.body = ReplaceAll(m.body, D() + " 00\n", D() + " 00 \t\n");
                 m.body = ReplaceAll(m.body, "merci\n", "merci  \n");
                 return std::vector<Step>{{first}, {m.Join()}};
               },
               {"quarantined", "replay", std::vector<std::string>{},
                DealCheck::kStatus, "seller"}});
  c.push_back({"replay_offer",
               [] { return std::vector<Step>{{Refresh(E().offer_raw, "replay-offer")}}; },
               {"quarantined", "replay", std::vector<std::string>{}}});
  c.push_back({"old_signature",
               [] {
                 // Fresh keys cannot sign 8 days in the past (gpg refuses a
                 // key "created in the future"): the escrow's clock moves
                 // 8 days on instead.
                 return std::vector<Step>{
                     {Clear("alice", kAlice, kAlice, D() + " 00\n"), 8 * 24h + 1h}};
               },
               {"refused", "7 days", std::vector<std::string>{kAlice + ":refusal"},
                DealCheck::kUnchanged, "", true}});
  c.push_back({"future_signature",
               [] {
                 return std::vector<Step>{{Clear("alice", kAlice, kAlice, D() + " 00\n",
                                                 {.sign_time = EpochNow() + 3600})}};
               },
               {"refused", "future", std::vector<std::string>{kAlice + ":refusal"},
                DealCheck::kUnchanged, "", true}});
  c.push_back({"fresh_after_future",
               [] {
                 // A refused signature is not an accepted command: it must
                 // not lock its signer out.
                 return std::vector<Step>{
                     {Clear("alice", kAlice, kAlice, D() + " 00\nfrom the future\n",
                            {.sign_time = EpochNow() + 3600})},
                     {Clear("alice", kAlice, kAlice, D() + " 00\n")}};
               },
               {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
                DealCheck::kStatus, "seller"}});

  // ---- Transport mangling
  c.push_back({"pgpmime_lf",
               [] {
                 return std::vector<Step>{
                     {Neomutt("bob", kBob, D() + " 00\n\nPremière demande, fins de ligne LF.\n")}};
               },
               {"processed", "00 by buyer", std::vector<std::string>{kBob + ":status"},
                DealCheck::kStatus, "buyer"}});
  c.push_back({"pgpmime_crlf",
               [] {
                 return std::vector<Step>{{ToCrlf(
                     Neomutt("bob", kBob, D() + " 00\n\nDeuxième demande, fins de ligne CRLF.\n"))}};
               },
               {"processed", "00 by buyer", std::vector<std::string>{kBob + ":status"},
                DealCheck::kStatus, "buyer"}});
  c.push_back({"clearsigned_trailing_blanks",
               [] {
                 Message m = Message::Split(
                     Clear("alice", kAlice, kAlice, D() + " 00\nmerci\n\nAlice\n"));
                 // Blanks after each line of the signed text (a client or
                 // relay padding lines); clearsign ignores them.
                 size_t start = m.body.find("\n\n") + 2;
                 size_t end = m.body.find("-----BEGIN PGP SIGNATURE-----");
                 std::string text = m.body.substr(start, end - start), padded;
                 std::istringstream lines(text);
                 for (std::string line; std::getline(lines, line);) padded += line + " \t  \n";
                 m.body = m.body.substr(0, start) + padded + m.body.substr(end);
                 return std::vector<Step>{{m.Join()}};
               },
               {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
                DealCheck::kStatus, "seller"}});
  c.push_back({"pgpmime_reencoded_by_relay",
               [] {
                 // neomutt's quoted-printable signed part, re-encoded as
                 // base64 by a relay: the signed bytes changed.
                 std::string raw =
                     Neomutt("bob", kBob, D() + " 00\n\nÇa marche, merci à vous — Bob.\n");
                 auto [begin, end] = FirstPart(raw);
                 Message part = Message::Split(raw.substr(begin, end - begin));
                 EXPECT_EQ(Lower(part.Header("Content-Transfer-Encoding")), "quoted-printable");
                 part.SetHeader("Content-Transfer-Encoding", "base64");
                 part.body = Base64(DecodeQuotedPrintable(part.body));
                 std::string joined = part.Join();
                 if (!joined.empty() && joined.back() == '\n') joined.pop_back();
                 return std::vector<Step>{{raw.substr(0, begin) + joined + raw.substr(end)}};
               },
               {"quarantined", "does not match", std::vector<std::string>{kBob + ":unsigned"}}});
  c.push_back({"pgpmime_8bit_original",
               [] {
                 // The control for the next case: an 8bit signed part, as
                 // the client signed it, verifies.
                 std::string part =
                     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
                     "8bit\n\n" + D() + " 00\n\nÇa marche, merci à vous — Bob.\n";
                 return std::vector<Step>{{PgpMime("bob", kBob, kBob, part, "8bit")}};
               },
               {"processed", "00 by buyer", std::vector<std::string>{kBob + ":status"},
                DealCheck::kStatus, "buyer"}});
  c.push_back({"pgpmime_8bit_to_qp_by_relay",
               [] {
                 std::string text = D() + " 00\n\nÇa marche, merci à vous — Bob.\n";
                 std::string part =
                     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
                     "8bit\n\n" + text;
                 std::string raw = PgpMime("bob", kBob, kBob, part, "8bit-qp");
                 // The relay has no 8BITMIME: the part becomes QP.
                 std::string relayed =
                     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
                     "quoted-printable\n\n" + QuotedPrintable(text);
                 return std::vector<Step>{{ReplaceAll(raw, part, relayed)}};
               },
               {"quarantined", "does not match", std::vector<std::string>{kBob + ":unsigned"}}});
  c.push_back({"clearsigned_qp_by_relay",
               [] {
                 Message m = Message::Split(
                     Clear("alice", kAlice, kAlice, D() + " 00\nÇa marche, merci à vous — Alice\n"));
                 EXPECT_EQ(m.Header("Content-Transfer-Encoding"), "8bit");
                 m.SetHeader("Content-Transfer-Encoding", "quoted-printable");
                 m.body = QuotedPrintable(m.body);
                 return std::vector<Step>{{m.Join()}};
               },
               {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
                DealCheck::kStatus, "seller"}});
  c.push_back({"alternative_plain_signed_html_not",
               [] {
                 // multipart/alternative: the plain half is alice's signed
                 // 00, the HTML half (unsigned) says 13.
                 Message plain = Message::Split(Clear("alice", kAlice, kAlice, D() + " 00\n"));
                 const std::string b = "alt-corpus-boundary";
                 Message m = plain;
                 m.SetHeader("Content-Type", "multipart/alternative; boundary=\"" + b + "\"");
                 m.SetHeader("Content-Transfer-Encoding", "7bit");
                 m.body = "--" + b + "\nContent-Type: text/plain; charset=utf-8\n\n" +
                          plain.body + "\n--" + b +
                          "\nContent-Type: text/html; charset=utf-8\n\n<p>" + D() + " 13</p><p>" +
                          kMarker + "</p>\n\n--" + b + "--\n";
                 return std::vector<Step>{{m.Join()}};
               },
               {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
                DealCheck::kStatus, "seller"}});
  c.push_back({"html_only",
               [] { return std::vector<Step>{{Fixed("html-only.eml")}}; },
               {"quarantined", "html", std::vector<std::string>{kAlice + ":unsigned"}}});

  // ---- Command grammar (in signed text)
  c.push_back({"fullwidth_digits_and_bom",
               [] {
                 return std::vector<Step>{{Clear("alice", kAlice, kAlice,
                                                 "\xEF\xBB\xBF" + Fullwidth(D()) + " " +
                                                     Fullwidth("00") + "\n")}};
               },
               {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
                DealCheck::kStatus, "seller"}});
  c.push_back({"deal_id_lowercase_crockford_000",
               [] {
                 // "ct-", lower case, O for 0 and l for 1, code written 000.
                 std::string id = Lower(D());
                 std::string typed = "ct-";
                 for (char ch : id.substr(3)) typed += ch == '0' ? 'o' : ch == '1' ? 'l' : ch;
                 return std::vector<Step>{{Clear("alice", kAlice, kAlice, "  " + typed + " 000\n")}};
               },
               {"processed", "00 by seller", std::vector<std::string>{kAlice + ":status"},
                DealCheck::kStatus, "seller"}});
  c.push_back({"command_after_signature_separator",
               [] {
                 return std::vector<Step>{
                     {Clear("bob", kBob, kBob, "Hello,\n\n-- \nBob\n" + D() + " 61\n")}};
               },
               {"processed", "help", std::vector<std::string>{kBob + ":help"}}});
  c.push_back({"command_only_quoted",
               [] {
                 return std::vector<Step>{{Clear(
                     "bob", kBob, kBob,
                     "Hello,\n\n> " + D() + " 61\n> (from your last message)\n\nBob\n")}};
               },
               {"processed", "help", std::vector<std::string>{kBob + ":help"}}});
  c.push_back({"unknown_code",
               [] { return std::vector<Step>{{Clear("alice", kAlice, kAlice, D() + " 55\n")}}; },
               {"refused", "55", std::vector<std::string>{kAlice + ":refusal"},
                DealCheck::kUnchanged, "", true}});
  c.push_back({"code_in_wrong_state",
               [] { return std::vector<Step>{{Clear("bob", kBob, kBob, D() + " 61\n")}}; },
               {"refused", "61", std::vector<std::string>{kBob + ":refusal"},
                DealCheck::kUnchanged, "", true}});
  c.push_back({"ambiguous_two_commands",
               [] {
                 return std::vector<Step>{
                     {Clear("alice", kAlice, kAlice, D() + " 00\n" + D() + " 13\n")}};
               },
               {"refused", "ambiguous", std::vector<std::string>{kAlice + ":refusal"},
                DealCheck::kUnchanged, "", true}});
  c.push_back({"party_sends_operator_deposit",
               [] {
                 return std::vector<Step>{
                     {Clear("alice", kAlice, kAlice, D() + " 21 seller 30.25 ref=FAKE\n")}};
               },
               {"refused", "operator", std::vector<std::string>{kAlice + ":refusal"},
                DealCheck::kUnchanged, "", true}});
  c.push_back(
      {"operator_deposit",
       [] {
         return std::vector<Step>{{Clear("operator", kOperator, kOperator,
                                         D() + " 21 seller 30.25 ref=VIR-2026-118\n")}};
       },
       {"processed", "21 by operator", std::nullopt, DealCheck::kCustom},
       [](const Outcome& o) {
         EXPECT_EQ(o.after.Str("state"), "awaiting_deposits");
         EXPECT_EQ(o.after.Str("held"), "30.25");
         bool seller_paid = false;
         if (const Json* parties = o.after.Find("parties"))
           for (const auto& p : parties->items)
             if (p.Str("role") == "seller") seller_paid = p.Str("deposited") == "30.25";
         EXPECT_TRUE(seller_paid) << o.after.Dump();
         auto before = EventsOf(o.before, false), after = EventsOf(o.after, false);
         ASSERT_EQ(after.size(), before.size() + 1);
         EXPECT_EQ(after.back().Str("code"), "21");
         EXPECT_EQ(after.back().Str("actor"), "operator");
         bool to_operator = false;
         for (const auto& r : o.replies) {
           EXPECT_NE(r.kind, "refusal") << r.to << " " << r.templates;
           to_operator |= r.to == kOperator;
         }
         EXPECT_TRUE(to_operator) << "no confirmation to the operator:" << Describe(o.replies);
       }});

  // ---- Malformed, huge, deep
  c.push_back({"malformed_no_closing_boundary",
               [] { return std::vector<Step>{{Fixed("malformed-no-closing-boundary.eml")}}; },
               {"quarantined", "closing boundary",
                std::vector<std::string>{kAlice + ":unsigned"}}});
  c.push_back({"malformed_bad_base64",
               [] { return std::vector<Step>{{Fixed("malformed-bad-base64.eml")}}; },
               {"quarantined", "base64", std::vector<std::string>{kBob + ":unsigned"}}});
  c.push_back(
      {"oversized_5mb",
       [] {
         // A genuine clear-signed withdrawal padded to 5 MB: never read.
         std::string text = D() + " 13\n";
         std::string filler(71, 'x');
         for (int i = 0; i < 5 * 1024 * 1024 / 72; ++i) text += filler + "\n";
         return std::vector<Step>{{Clear("alice", kAlice, kAlice, text)}};
       },
       // SPEC: "Unsigned, bad or unknown signature, or oversized: if the
       // From address is a known party, a reply explaining what to do".
       {"quarantined", "oversized", std::vector<std::string>{kAlice + ":*"}},
       [](const Outcome& o) {
         EXPECT_LT(o.inbox.raw_size, 1048576u) << "the oversized message was read whole";
       }});
  c.push_back({"nested_1000_multiparts",
               [] {
                 std::string body = "Content-Type: text/plain\n\n" + D() + " 13\n";
                 for (int i = 999; i >= 0; --i) {
                   const std::string b = "n" + std::to_string(i);
                   body = "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" + b +
                          "\n" + body + "\n--" + b + "--\n";
                 }
                 std::string raw = "Date: Sun, 22 Nov 2026 10:00:00 +0000\nFrom: " + kAlice +
                                   "\nTo: escrow@example.test\nSubject: deep\nMessage-ID: " +
                                   FreshId("nested") + "\nMIME-Version: 1.0\n" + body;
                 return std::vector<Step>{{raw}};
               },
               {"quarantined", "", std::vector<std::string>{kAlice + ":unsigned"},
                DealCheck::kUnchanged, "", false, 10}});
  c.push_back(
      {"nested_1000_multiparts_signed",
       [] {
         // A good signature over a 1000-deep entity whose only text is at
         // the bottom: the search for the signed text must stay bounded.
         std::string body = "Content-Type: text/plain\n\n" + D() + " 13\n";
         for (int i = 999; i >= 0; --i) {
           const std::string b = "s" + std::to_string(i);
           body = "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" + b + "\n" +
                  body + "\n--" + b + "--\n";
         }
         body.pop_back();
         return std::vector<Step>{{PgpMime("alice", kAlice, kAlice, body, "nested-signed")}};
       },
       // SPEC leaves open whether this is a bad input (quarantine) or a
       // signed mail without a command (help): either, bounded, no change.
       {"", "", std::nullopt, DealCheck::kUnchanged, "", false, 10},
       [](const Outcome& o) {
         EXPECT_TRUE(o.inbox.status == "quarantined" ||
                     (o.inbox.status == "processed" && ContainsNoCase(o.inbox.outcome, "help")))
             << o.inbox.status << " " << o.inbox.outcome;
         ASSERT_EQ(o.replies.size(), 1u) << Describe(o.replies);
         EXPECT_EQ(o.replies[0].to, kAlice);
       }});

  // ---- Never answered (RFC 3834)
  c.push_back({"bounce_dsn", [] { return std::vector<Step>{{Fixed("bounce-dsn.eml")}}; },
               {"ignored", "", std::vector<std::string>{}}});
  c.push_back({"auto_submitted_signed_command",
               [] {
                 return std::vector<Step>{
                     {Clear("alice", kAlice, kAlice, D() + " 13\n",
                            {.extra_headers = "Auto-Submitted: auto-replied"})}};
               },
               {"ignored", "auto-submitted", std::vector<std::string>{}}});
  c.push_back({"precedence_bulk_signed_command",
               [] {
                 return std::vector<Step>{{Clear("alice", kAlice, kAlice, D() + " 13\n",
                                                 {.extra_headers = "Precedence: bulk"})}};
               },
               {"ignored", "precedence", std::vector<std::string>{}}});
  c.push_back({"list_id_signed_command",
               [] {
                 return std::vector<Step>{
                     {Clear("alice", kAlice, kAlice, D() + " 13\n",
                            {.extra_headers = "List-Id: Trades <trades.example.test>"})}};
               },
               {"ignored", "list", std::vector<std::string>{}}});

  // ---- Unsigned
  c.push_back({"unsigned_unknown_sender",
               [] { return std::vector<Step>{{Fixed("unsigned-unknown.eml")}}; },
               {"quarantined", "not signed", std::vector<std::string>{}}});
  c.push_back({"unsigned_known_party",
               [] { return std::vector<Step>{{Fixed("unsigned-known.eml")}}; },
               {"quarantined", "not signed", std::vector<std::string>{kBob + ":unsigned"}}});
  return c;
}

// gtest prints a case by its name.
void PrintTo(const CaseDef& def, std::ostream* os) { *os << def.name; }

// ------------------------------------------------------------- the runner

class CorpusTest : public ::testing::TestWithParam<CaseDef> {
 protected:
  void SetUp() override {
    if (!E().skip.empty()) GTEST_SKIP() << E().skip;
    ASSERT_TRUE(E().error.empty()) << E().error;
  }
};

TEST_P(CorpusTest, Outcome) {
  const CaseDef& def = GetParam();
  const Expect& want = def.expect;
  Outcome o;
  o.world = Fork(def.name);
  const World& w = o.world;

  auto before = JsonOf(w, {"show", D()});
  auto list_before = JsonOf(w, {"list"});
  auto keys_before = JsonOf(w, {"keys", "list"});
  ASSERT_TRUE(before && list_before && keys_before);
  o.before = *before;

  std::vector<Step> steps = def.build();
  ASSERT_FALSE(steps.empty());
  for (size_t i = 0; i < steps.size(); ++i) {
    Deliver(w, steps[i].raw);
    o.run = Cli(w, {"run"}, steps[i].clock_offset);
    EXPECT_EQ(o.run.status, 0) << "step " << i << ": cybertroc run failed:\n"
                               << o.run.out << o.run.err;
  }
  o.message_id = MessageIdOf(steps.back().raw);
  ASSERT_FALSE(o.message_id.empty());
  EXPECT_LT(o.run.seconds, want.max_seconds) << "cybertroc run took too long";

  {
    Db db(w.db());
    ASSERT_TRUE(db.ok());
    o.inbox = db.Inbox(o.message_id);
    o.replies = db.RepliesTo(o.message_id);
    // Never mail to anyone but the known parties and the operator.
    for (const auto& to : db.AllRecipients())
      EXPECT_TRUE(kKnown.contains(to)) << "mail queued to " << to;
  }
  auto after = JsonOf(w, {"show", D()});
  auto list_after = JsonOf(w, {"list"});
  auto keys_after = JsonOf(w, {"keys", "list"});
  auto quarantine = JsonOf(w, {"quarantine"});
  ASSERT_TRUE(after && list_after && keys_after && quarantine);
  o.after = *after;

  const std::string trace = "inbox: " + o.inbox.status + " (" + o.inbox.outcome +
                            ")\nreplies:" + Describe(o.replies) + "\nlog: " +
                            ReadFile(w.dir / "ct.log");
  ASSERT_TRUE(o.inbox.found) << "no inbox row for " << o.message_id;

  std::cout << "[ corpus   ] " << def.name << ": " << o.inbox.status << " ("
            << o.inbox.outcome << "); replies:" << Describe(o.replies) << "\n";
  if (!want.status.empty()) {
    EXPECT_EQ(o.inbox.status, want.status) << trace;
  }
  if (!want.outcome_has.empty()) {
    EXPECT_TRUE(ContainsNoCase(o.inbox.outcome, want.outcome_has))
        << "outcome lacks '" << want.outcome_has << "'\n" << trace;
  }

  if (want.replies) {
    std::multiset<std::string> got, expected;
    for (const auto& r : o.replies) {
      bool wildcard = false;
      for (const auto& e : *want.replies)
        wildcard |= e == r.to + ":*";
      got.insert(r.to + ":" + (wildcard ? "*" : r.templates));
    }
    expected.insert(want.replies->begin(), want.replies->end());
    EXPECT_EQ(got, expected) << trace;
  }
  // Replies go only to known addresses and never quote unsigned text
  // (the unsigned parts of the corpus carry kMarker).
  for (const auto& r : o.replies) {
    EXPECT_TRUE(kKnown.contains(r.to)) << r.to;
    EXPECT_FALSE(Contains(r.body, kMarker) || Contains(r.subject, kMarker))
        << "reply quotes unsigned text:\n" << r.subject << "\n" << r.body;
  }
  if (want.refusal_explains) {
    for (const auto& r : o.replies) {
      if (r.templates != "refusal") continue;
      EXPECT_TRUE(Contains(r.body, o.inbox.outcome)) << "reply does not say why:\n" << r.body;
      EXPECT_TRUE(Contains(r.body, "Deal " + D()) && Contains(r.body, "\nState: "))
          << "reply does not give the current state:\n" << r.body;
      EXPECT_TRUE(Contains(r.body, D() + " 13"))
          << "reply does not list the codes the sender may send now:\n" << r.body;
    }
  }

  // Kept in quarantine exactly when refused or unverifiable.
  bool in_quarantine = false;
  for (const auto& q : quarantine->items) in_quarantine |= q.Str("message_id") == o.message_id;
  if (o.inbox.status == "quarantined" || o.inbox.status == "refused")
    EXPECT_TRUE(in_quarantine) << "not in `quarantine`";
  else
    EXPECT_FALSE(in_quarantine) << o.inbox.status << " mail in `quarantine`";

  // The deal.
  const Json sub_before = Substance(o.before), sub_after = Substance(o.after);
  switch (want.deal) {
    case DealCheck::kUnchanged:
      EXPECT_EQ(sub_after.Dump(), sub_before.Dump()) << "the deal changed\n" << trace;
      break;
    case DealCheck::kStatus: {
      // One accepted 00 event more, by the right role, and nothing else.
      Json a = sub_after;
      auto before_events = EventsOf(o.before, false);
      Json* events = const_cast<Json*>(a.Find("events"));
      ASSERT_NE(events, nullptr);
      ASSERT_EQ(events->items.size(), before_events.size() + 1) << "no 00 event\n" << trace;
      const Json last = events->items.back();
      EXPECT_EQ(last.Str("code"), "00");
      EXPECT_EQ(last.Str("actor"), want.actor);
      EXPECT_EQ(last.Str("state"), o.before.Str("state"));
      events->items.pop_back();
      EXPECT_EQ(a.Dump(), sub_before.Dump()) << "the deal changed\n" << trace;
      break;
    }
    case DealCheck::kCustom:
      break;
  }
  // Refused attempts may be logged, but never as a change of state.
  for (const auto& e : EventsOf(o.after, true)) {
    EXPECT_EQ(e.Str("from"), o.before.Str("state"));
    EXPECT_EQ(e.Str("state"), o.before.Str("state"));
  }
  // No deal opened, and no other change to the list unless the case says.
  auto ids = [](const Json& list) {
    std::vector<std::string> out;
    for (const auto& d : list.items) out.push_back(d.Str("id"));
    return out;
  };
  EXPECT_EQ(ids(*list_after), ids(*list_before)) << "deals opened";
  if (want.deal != DealCheck::kCustom) {
    EXPECT_EQ(list_after->Dump(), list_before->Dump()) << "deal list changed";
    EXPECT_EQ(o.after.Str("held"), o.before.Str("held"));
  }
  // Bindings (TOFU) unchanged: nothing here may bind or rebind a key.
  auto pairs = [](const Json& keys) {
    std::set<std::string> out;
    for (const auto& b : keys.items) out.insert(b.Str("email") + "=" + b.Str("fingerprint"));
    return out;
  };
  EXPECT_EQ(pairs(*keys_after), pairs(*keys_before)) << "key bindings changed";

  if (def.check) def.check(o);
  StopAgent(w.home);
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<CaseDef>& info) {
                           return info.param.name;
                         });

// ------------------------------------------ accepting by PGP/MIME and inline

class CorpusAccept : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!E().skip.empty()) GTEST_SKIP() << E().skip;
    ASSERT_TRUE(E().error.empty()) << E().error;
  }
};

TEST_F(CorpusAccept, NeomuttAndClearsignedAcceptsEachMoveTheirOwnDeal) {
  World w = Fork("accepts");
  auto offer = [&](const std::string& item) {
    std::string raw = Clear("alice", kAlice, kAlice,
                            "CT 10 SALE\nbuyer: " + kBob + "\nitem: " + item +
                                "\nprice: 12,50 EUR\nshipping: 4.00\n");
    Deliver(w, raw);
    EXPECT_EQ(Cli(w, {"run"}).status, 0);
    InboxRow row = Db(w.db()).Inbox(MessageIdOf(raw));
    EXPECT_EQ(row.status, "processed") << row.outcome;
    return row.deal_id;
  };
  const std::string a = offer("A Love Supreme, LP"), b = offer("Blue Train, LP");
  ASSERT_EQ(a.size(), 11u);
  ASSERT_EQ(b.size(), 11u);
  ASSERT_NE(a, b);
  auto state = [&](const std::string& id) {
    auto show = JsonOf(w, {"show", id});
    return show ? show->Str("state") : "?";
  };
  EXPECT_EQ(state(a), "offered");
  EXPECT_EQ(state(b), "offered");

  auto accept = [&](const std::string& raw) {
    Deliver(w, raw);
    ShellResult run = Cli(w, {"run"});
    EXPECT_EQ(run.status, 0) << run.err;
    InboxRow row = Db(w.db()).Inbox(MessageIdOf(raw));
    EXPECT_EQ(row.status, "processed") << row.outcome;
    EXPECT_TRUE(Contains(row.outcome, "offered -> awaiting_deposits")) << row.outcome;
  };
  accept(Neomutt("bob", kBob, a + " 11\n\nD'accord, merci !\n"));
  EXPECT_EQ(state(a), "awaiting_deposits");
  EXPECT_EQ(state(b), "offered");
  accept(Clear("bob", kBob, kBob, b + " 11\n"));
  EXPECT_EQ(state(a), "awaiting_deposits");
  EXPECT_EQ(state(b), "awaiting_deposits");
  EXPECT_EQ(state(D()), "awaiting_deposits");
  StopAgent(w.home);
}

// ------------------------------------ a new party's key, after the fact

// carol (no key offered, not a party) offers a sale to bob: quarantined as
// unknown, no reply; the operator imports her key and reprocesses the
// message: the offer is applied and a new deal has carol as seller.
TEST_F(CorpusAccept, UnknownKeyOfferAppliedAfterKeysImportAndReprocess) {
  World w = Fork("reprocess_new_party");
  auto list_before = JsonOf(w, {"list"});
  ASSERT_TRUE(list_before);
  const std::string raw = Clear("carol", kCarol, kCarol,
                                "CT 10 SALE\nbuyer: " + kBob +
                                    "\nitem: Giant Steps, LP\nprice: 18.00\nshipping: 4.00\n");
  const std::string mid = MessageIdOf(raw);
  Deliver(w, raw);
  ShellResult run = Cli(w, {"run"});
  EXPECT_EQ(run.status, 0) << run.err;
  {
    Db db(w.db());
    InboxRow row = db.Inbox(mid);
    EXPECT_EQ(row.status, "quarantined") << row.outcome;
    EXPECT_TRUE(ContainsNoCase(row.outcome, "unknown")) << row.outcome;
    EXPECT_TRUE(db.RepliesTo(mid).empty()) << Describe(db.RepliesTo(mid));
  }
  auto list_mid = JsonOf(w, {"list"});
  ASSERT_TRUE(list_mid);
  EXPECT_EQ(list_mid->Dump(), list_before->Dump()) << "a deal opened by an unknown key";

  ShellResult import =
      Cli(w, {"keys", "import", (E().gnupg / "pub" / "carol.asc").string()});
  ASSERT_EQ(import.status, 0) << import.out << import.err;
  ShellResult again = Cli(w, {"reprocess", mid});
  EXPECT_EQ(again.status, 0) << again.out << again.err;
  EXPECT_TRUE(Contains(again.out, "1 applied")) << again.out;

  InboxRow row = Db(w.db()).Inbox(mid);
  EXPECT_EQ(row.status, "processed") << row.outcome;
  EXPECT_TRUE(Contains(row.outcome, "offer: opened ")) << row.outcome;
  ASSERT_EQ(row.deal_id.size(), 11u) << row.outcome;
  EXPECT_NE(row.deal_id, D());
  auto show = JsonOf(w, {"show", row.deal_id});
  ASSERT_TRUE(show);
  EXPECT_EQ(show->Str("state"), "offered");
  std::map<std::string, std::string> parties;
  if (const Json* p = show->Find("parties"))
    for (const auto& party : p->items) parties[party.Str("role")] = party.Str("email");
  EXPECT_EQ(parties["seller"], kCarol) << show->Dump();
  EXPECT_EQ(parties["buyer"], kBob) << show->Dump();
  auto list_after = JsonOf(w, {"list"});
  ASSERT_TRUE(list_after);
  EXPECT_EQ(list_after->items.size(), list_before->items.size() + 1);
  // Out of quarantine; carol bound (TOFU) to her primary key; the baseline
  // deal untouched; mail only to carol (now a party), bob, the operator.
  auto quarantine = JsonOf(w, {"quarantine"});
  ASSERT_TRUE(quarantine);
  for (const auto& q : quarantine->items)
    EXPECT_NE(q.Str("message_id"), mid)
        << "applied, yet still listed by `quarantine` (reason: " << q.Str("reason") << ")";
  auto keys = JsonOf(w, {"keys", "list"});
  ASSERT_TRUE(keys);
  std::map<std::string, std::string> bound;
  for (const auto& b : keys->items) bound[b.Str("email")] = b.Str("fingerprint");
  EXPECT_EQ(bound[kCarol], Fpr("CAROL")) << keys->Dump();
  EXPECT_EQ(bound[kAlice], Fpr("ALICE"));
  auto base = JsonOf(w, {"show", D()});
  ASSERT_TRUE(base);
  EXPECT_EQ(base->Str("state"), "awaiting_deposits");
  std::set<std::string> allowed = kKnown;
  allowed.insert(kCarol);
  for (const auto& to : Db(w.db()).AllRecipients())
    EXPECT_TRUE(allowed.contains(to)) << "mail queued to " << to;
  bool confirmed = false;
  for (const auto& r : Db(w.db()).RepliesTo(mid)) confirmed |= r.to == kCarol;
  EXPECT_TRUE(confirmed) << Describe(Db(w.db()).RepliesTo(mid));
  StopAgent(w.home);
}

}  // namespace

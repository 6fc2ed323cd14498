#include "corpus_world.h"

#include <stdlib.h>
#include <unistd.h>

#include <iostream>

#include "corpus_sign.h"

namespace corpus {

namespace {

const std::string kHarness = cttest::kHarnessDir;

void WriteConfig(const World& w) {
  fs::create_directories(w.dir / "db");
  for (const char* sub : {"new", "cur", "tmp"})
    fs::create_directories(w.dir / "maildir" / sub);
  fs::create_directories(w.dir / "out");
  // deposit_days: the old-signature case runs 8 days later; the deal must
  // not time out under it (reminders fire 7 and 1 days before 30 days).
  WriteFile(w.conf,
            "[store]\ndatabase = " + w.db().string() + "\n" +
                "[inbox]\nurl = maildir://" + (w.dir / "maildir").string() +
                "\n" + "[outbox]\nurl = dir://" + (w.dir / "out").string() +
                "\n" + "from = CyberTroc <" + kEscrow + ">\n" + "operator = " +
                kOperator + "\n" + "[gpg]\nhome = " + w.home.string() + "\n" +
                "escrow_key = " + Fpr("ESCROW") + "\n" +
                "operator_key = " + Fpr("OPERATOR") + "\n" +
                "[rules]\ndir = " + cttest::kSourceDir + "/rules\n" +
                "[templates]\ndir = " + cttest::kSourceDir + "/templates\n" +
                "default_language = en\n" + "[deadlines]\ndeposit_days = 30\n" +
                "[log]\nfile = " + (w.dir / "ct.log").string() + "\n");
}

// Fresh keys (gpg.sh make-home), a home per party and the escrow's, which
// knows the operator's key only: it learns the parties' keys from their
// mail (Autocrypt) or from `keys import`. "" or why not.
std::string MakeKeys(Env& env) {
  ShellResult made = Shell(
      Quote(kHarness + "/gpg.sh") + " make-home " + Quote(env.gnupg.string()),
      env.tmp / "make-home.err");
  if (made.status == cttest::kSkipStatus) {
    env.skip = made.out;
    return "";
  }
  if (made.status != 0) return "gpg.sh make-home: " + made.err;
  env.keys = ReadEnv(env.gnupg / "keys.env");
  for (const char* name : {"alice", "bob", "carol", "operator",
                           "mallory-expired", "mallory-revoked"}) {
    ShellResult r = Shell(Quote(kHarness + "/gpg.sh") + " party-home " +
                              Quote(env.gnupg.string()) + " " + name,
                          env.tmp / "party.err");
    if (r.status != 0)
      return std::string("gpg.sh party-home ") + name + ": " + r.err;
    env.party[name] = env.gnupg / "party" / name;
  }
  ShellResult escrow =
      Shell("CT_PARTY_PUBLIC_KEYS=operator " + Quote(kHarness + "/gpg.sh") +
                " party-home " + Quote(env.gnupg.string()) + " escrow",
            env.tmp / "party.err");
  if (escrow.status != 0) return "gpg.sh party-home escrow: " + escrow.err;
  return "";
}

// alice offers, signing with her primary key ("FPR!"); her key travels in
// an Autocrypt header. Sets env.deal; "" or why not.
std::string BaselineOffer(Env& env) {
  env.offer_raw = Clear("alice", Fpr("ALICE") + "!", kAlice,
                        "CT 10 SALE\nbuyer: " + kBob +
                            "\nitem: Kind of Blue, CD, mint\nprice: 25.00\n"
                            "shipping: 5.00\ndelivery: post\nlang: en\n",
                        {.extra_headers = Autocrypt("alice", kAlice)});
  Deliver(env.base, env.offer_raw);
  ShellResult run = Cli(env.base, {"run"});
  if (run.status != 0) return "baseline run (offer): " + run.err;
  InboxRow offer = Db(env.base.db()).Inbox(MessageIdOf(env.offer_raw));
  const std::string opened = "offer: opened ";
  if (offer.status != "processed" || offer.outcome.rfind(opened, 0) != 0)
    return "baseline offer not applied: " + offer.status + " " + offer.outcome;
  env.deal = offer.outcome.substr(opened.size(), 11);
  return "";
}

// bob's key is imported, bob accepts; the deal awaits deposits and both
// are bound (TOFU) to their primary fingerprints. "" or why not.
std::string BaselineAccept(Env& env) {
  ShellResult import = Cli(
      env.base, {"keys", "import", (env.gnupg / "pub" / "bob.asc").string()});
  if (import.status != 0) return "keys import bob: " + import.err;
  env.accept_raw = Clear("bob", kBob, kBob, env.deal + " 11\n");
  Deliver(env.base, env.accept_raw);
  ShellResult run = Cli(env.base, {"run"});
  if (run.status != 0) return "baseline run (accept): " + run.err;
  auto show = JsonOf(env.base, {"show", env.deal});
  if (!show || JsonField(*show, "state") != "awaiting_deposits")
    return "baseline deal is not awaiting_deposits: " +
           (show ? show->dump() : "?");
  auto bindings = JsonOf(env.base, {"keys", "list"});
  std::map<std::string, std::string> bound;
  if (bindings && bindings->is_array())
    for (const auto& b : *bindings)
      bound[JsonField(b, "email")] = JsonField(b, "fingerprint");
  if (bound[kAlice] != Fpr("ALICE") || bound[kBob] != Fpr("BOB"))
    return "baseline bindings: " + (bindings ? bindings->dump() : "?");
  return "";
}

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
  env.error = MakeKeys(env);
  if (!env.error.empty() || !env.skip.empty()) return;
  env.base.dir = env.root / "base";
  env.base.home = env.gnupg / "party" / "escrow";
  env.base.conf = env.base.dir / "ct.conf";
  WriteConfig(env.base);
  env.error = BaselineOffer(env);
  if (env.error.empty()) env.error = BaselineAccept(env);
  StopAgent(env.base.home);
}

}  // namespace

Env& E() {
  static Env env;
  return env;
}

std::string Fpr(const std::string& name) {
  return cttest::HarnessFpr(E().keys, name);
}

std::string Address(const std::string& name) {
  return name.find('@') == std::string::npos ? name + "@example.test" : name;
}

fs::path TmpFile(const std::string& stem) {
  return E().tmp / (stem + "." + std::to_string(++E().serial));
}

ShellResult Cli(const World& w, const std::vector<std::string>& args,
                std::chrono::seconds clock_offset) {
  std::string cmd = "CYBERTROC_NOW=" +
                    IsoTime(std::chrono::system_clock::now() + clock_offset) +
                    " " + Quote(cttest::kBinary) + " --config " +
                    Quote(w.conf.string());
  for (const auto& a : args) cmd += " " + Quote(a);
  return Shell(cmd, w.dir / "cli.stderr");
}

void Deliver(const World& w, const std::string& raw) {
  const std::string name = std::to_string(EpochNow()) + ".corpus" +
                           std::to_string(++E().serial) + ".example.test";
  WriteFile(w.dir / "maildir" / "tmp" / name, raw);
  fs::rename(w.dir / "maildir" / "tmp" / name,
             w.dir / "maildir" / "new" / name);
}

std::optional<Json> JsonOf(const World& w,
                           const std::vector<std::string>& args) {
  std::vector<std::string> full = {"--json"};
  full.insert(full.end(), args.begin(), args.end());
  ShellResult r = Cli(w, full);
  if (r.status != 0) return std::nullopt;
  Json doc = cttest::ParseJson(r.out);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

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
  std::system(("gpgconf --homedir " + Quote(home.string()) +
               " --kill all >/dev/null 2>&1")
                  .c_str());
}

std::string Describe(const std::vector<OutboxRow>& rows) {
  std::string out;
  for (const auto& r : rows)
    out += "\n  " + r.to + " kind=" + r.kind + " templates=" + r.templates;
  return out.empty() ? " (none)" : out;
}

void CorpusEnvironment::SetUp() { BuildBaseline(); }

void CorpusEnvironment::TearDown() {
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

}  // namespace corpus

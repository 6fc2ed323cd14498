// The world the inbound-mail corpus runs in (tests/corpus/README.md): fresh
// harness keys, the parties' GnuPG homes, and a baseline cybertroc in which
// alice offered a sale to bob and bob accepted (the deal awaits deposits).
// Every case runs in its own copy of the baseline (Fork), so that one case
// can neither help nor spoil another. Built once per test program by
// CorpusEnvironment.
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_WORLD_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_WORLD_H_

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "corpus_util.h"
#include "harness.h"
#include "json_output.h"

namespace corpus {

namespace fs = std::filesystem;
using cttest::Json;
using cttest::JsonField;

inline const std::string kAlice = "alice@example.test";
inline const std::string kBob = "bob@example.test";
inline const std::string kCarol = "carol@example.test";
inline const std::string kOperator = "operator@example.test";
inline const std::string kEscrow = "escrow@example.test";
// Addresses that may ever receive mail from the escrow in this corpus.
inline const std::set<std::string> kKnown = {kAlice, kBob, kOperator};
// Put in the unsigned text of the corpus: no reply may ever quote it.
inline const std::string kMarker = "UNSIGNED-TEXT-MARKER";
// Where the cases are: one folder each.
inline const fs::path kCorpusDir = cttest::kSourceDir + "/tests/corpus";

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

// The one world of this test program.
Env& E();

// The baseline deal's id.
inline std::string D() { return E().deal; }

// The primary fingerprint of harness key `name` ("alice", "ESCROW",
// "alice-subkey"...), from keys.env.
std::string Fpr(const std::string& name);

// `name@example.test` for a bare harness name, `name` when it has an '@'.
std::string Address(const std::string& name);

// A file name under the world's tmp dir, new at each call.
fs::path TmpFile(const std::string& stem);

// `cybertroc --config ... ARGS` with the clock moved by `clock_offset`.
ShellResult Cli(const World& w, const std::vector<std::string>& args,
                std::chrono::seconds clock_offset = std::chrono::seconds(0));

// Puts `raw` in maildir/new as a delivery agent would.
void Deliver(const World& w, const std::string& raw);

// `cybertroc --json ARGS`, parsed; nullopt when it fails or is no JSON.
std::optional<Json> JsonOf(const World& w,
                           const std::vector<std::string>& args);

// A world of its own for one case: a copy of the baseline.
World Fork(const std::string& name);

// Stops the gpg-agent of a GnuPG home.
void StopAgent(const fs::path& home);

// The outbox rows, one line each, for failure messages.
std::string Describe(const std::vector<OutboxRow>& rows);

// Builds the world and the baseline before the tests, removes it after
// (kept when CT_CORPUS_KEEP is set).
class CorpusEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
};

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_WORLD_H_

// Where the tests find the source tree, the harness scripts and the built
// binary, and the GnuPG homes and maildirs the harness makes
// (tests/harness/gpg.sh, servers.sh). GoogleTest-free; throws
// std::runtime_error with the script's output when a harness step fails.
#ifndef CYBERTROC_TESTS_SUPPORT_HARNESS_H_
#define CYBERTROC_TESTS_SUPPORT_HARNESS_H_

#include <filesystem>
#include <map>
#include <string>

namespace cttest {

namespace fs = std::filesystem;

// CT_TEST_SOURCE_DIR and CT_BINARY come from tests/CMakeLists.txt.
inline const std::string kSourceDir = CT_TEST_SOURCE_DIR;
inline const std::string kHarnessDir = kSourceDir + "/tests/harness";
inline const std::string kBinary = CT_BINARY;
// Exit status of the harness scripts when the machine cannot run them.
inline constexpr int kSkipStatus = 77;

// The primary fingerprint of harness key `name` ("alice", "operator"...)
// in `keys` (gpg.sh's keys.env: CT_FPR_ALICE...); "" when unknown.
std::string HarnessFpr(const std::map<std::string, std::string>& keys,
                       std::string name);

// `gpg.sh party-home GNUPG NAME`: NAME's own GnuPG home (its secret key,
// every public key). Throws when the script fails.
fs::path MakePartyHome(const fs::path& gnupg_dir, const std::string& name);

// A new escrow home (escrow's secret key, the operator's public key only:
// parties' keys must arrive by mail) under `gnupg_dir`, so that `gpg.sh
// kill` stops its agent. `label` makes it unique.
fs::path MakeEscrowHome(const fs::path& gnupg_dir, const std::string& label);

// Puts FILE byte for byte into MAILDIR/new (through tmp/, creating the
// maildir if needed), under a name that sorts after every name this
// process made before: "<seconds>.M<micros>P<pid>Q<n>.ct-test", from one
// clock reading, strictly increasing (servers.sh deliver reads the clock
// twice, and a second boundary between the reads can make a later message
// sort first). Returns the file made.
fs::path DeliverToMaildir(const fs::path& maildir, const fs::path& file);

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_HARNESS_H_

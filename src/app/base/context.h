// What every operation of the shell needs, loaded once per process: the
// configuration, the rules, the template renderer, the database and `now`.
#ifndef CYBERTROC_APP_BASE_CONTEXT_H_
#define CYBERTROC_APP_BASE_CONTEXT_H_

#include <atomic>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "core/time.h"
#include "crypto/keyring.h"
#include "notify/render.h"
#include "rules/loader.h"
#include "store/database.h"

namespace ct::app {

struct Context {
  config::Config config;
  std::string rules_dir;      // the directory actually used
  std::string templates_dir;  // idem
  rules::RuleBook rules;
  notify::Renderer renderer;
  store::Database db;
  core::Time now{};
  // Set by the daemon's SIGTERM/SIGINT handler: the pipeline finishes the
  // message (or timer) in hand and stops before the next one.
  const std::atomic<bool>* stop = nullptr;
  // GnuPG contexts (each with its runner and key cache) that a stage of
  // the run set up for a worker and let go: the next stage takes them
  // (TakeGpg) rather than setting up new ones. RunOnce empties it.
  std::vector<crypto::GpgContext> spare_gpg;

  bool StopRequested() const { return stop && stop->load(); }
};

// Who may create the database: only `run`, `daemon` and `init`. Every other
// command on a missing database is an error naming the path and the fix,
// so that a typo in store.database never shows an empty new database.
enum class DatabaseUse { kCreateIfMissing, kMustExist };

// Reads the config file (`config_path` from --config, "" = CYBERTROC_CONFIG
// or the default; only the default may be missing), sets up logging, loads
// the rules, opens (and migrates) the database, reads the clock.
Result<Context> OpenContext(const std::string& config_path,
                            DatabaseUse use = DatabaseUse::kCreateIfMissing);

// The steps of OpenContext one by one, for `check`.
Result<config::Config> LoadConfig(const std::string& config_path);
// `configured` when it is a directory. When the operator left the key at
// its default (/usr/share/cybertroc/<what>) and that is missing, the source
// tree's copy, else the installed one (CT_SOURCE_*_DIR,
// CT_INSTALL_DATA_DIR/<what>): a build runs before `make install`. A
// directory the operator named is never replaced: kConfig naming the key.
// `what` is "rules" or "templates".
Result<std::string> DataDir(const std::string& configured,
                            const std::string& what);
// Whether templates/<lang>/ exists: an operator naming a language for a
// deal or a moderator is told at once when nothing is written in it (a
// party's mail falls back to templates.default_language instead).
bool HasTemplates(const Context& ctx, const std::string& lang);

// Opens the database. kCreateIfMissing creates it, and its parent
// directory (0700), when missing; kMustExist makes a missing one a kConfig
// error that says to run `cybertroc init` (`config_path` names the file
// that set store.database).
Result<store::Database> OpenDatabase(const std::string& path, DatabaseUse use,
                                     const std::string& config_path = "");

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_CONTEXT_H_

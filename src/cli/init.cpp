// init: creates the database named by store.database (and its directory,
// 0700) when it does not exist. With `run` and `daemon` the only commands
// that may create it: every other command on a missing database stops with
// an error that points here.
#include <filesystem>
#include <iostream>
#include <system_error>

#include "app/base/context.h"
#include "cli/common.h"

namespace ct::cli {

Result<void> RunInit(const Globals& globals, const Args& args) {
  Syntax syntax("init");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto config = app::LoadConfig(globals.config_path);
  CT_TRY(config);
  const std::string& path = config->store.database;
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  auto db =
      app::OpenDatabase(path, app::DatabaseUse::kCreateIfMissing, config->path);
  CT_TRY(db);
  auto version = db->UserVersion();
  CT_TRY(version);
  if (globals.json) {
    PrintJson(util::Json::Object()
                  .Set("database", path)
                  .Set("created", !existed)
                  .Set("schema_version", static_cast<int64_t>(*version)));
  } else if (existed) {
    std::cout << path << " already exists (schema version " << *version
              << "); nothing to do\n";
  } else {
    std::cout << "created " << path << " (schema version " << *version << ")\n";
  }
  return {};
}

}  // namespace ct::cli

#include "app/base/context.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "app/base/clock.h"
#include "app/base/logging.h"
#include "core/limits.h"

namespace ct::app {
namespace {

namespace fs = std::filesystem;

bool IsDirectory(const std::string& path) {
  std::error_code ec;
  return !path.empty() && fs::is_directory(path, ec);
}

}  // namespace

Result<config::Config> LoadConfig(const std::string& config_path) {
  const std::string path = config::ResolvePath(config_path);
  // Only the built-in default may be absent: a named file must exist.
  const bool missing_ok = path == config::kDefaultConfigPath;
  return config::Load(path, missing_ok);
}

Result<std::string> DataDir(const std::string& configured,
                            const std::string& what) {
  if (IsDirectory(configured)) return configured;
  const config::Config defaults;
  const std::string& default_dir =
      what == "rules" ? defaults.rules.dir : defaults.templates.dir;
  if (configured != default_dir)
    return Fail(ErrorKind::kConfig,
                fmt::format("{}.dir: '{}' is not a directory", what,
                            core::Excerpt(configured, 200)));
  const std::string source =
      what == "rules" ? CT_SOURCE_RULES_DIR : CT_SOURCE_TEMPLATES_DIR;
  if (IsDirectory(source)) return source;
  const std::string installed = std::string(CT_INSTALL_DATA_DIR) + "/" + what;
  if (IsDirectory(installed)) return installed;
  return Fail(ErrorKind::kConfig,
              fmt::format("{}.dir: '{}' is not a directory (is cybertroc "
                          "installed?)",
                          what, configured));
}

bool HasTemplates(const Context& ctx, const std::string& lang) {
  return !lang.empty() && lang.find('/') == std::string::npos &&
         lang.find('.') == std::string::npos &&
         IsDirectory(ctx.templates_dir + "/" + lang);
}

Result<store::Database> OpenDatabase(const std::string& path, DatabaseUse use,
                                     const std::string& config_path) {
  if (use == DatabaseUse::kMustExist) {
    auto db = store::Database::Open(path, store::Database::Missing::kFail);
    if (db || db.error().kind != ErrorKind::kNotFound) return db;
    return Fail(ErrorKind::kConfig,
                db.error().message + " (store.database" +
                    (config_path.empty() ? "" : " in " + config_path) +
                    "): run `cybertroc init` to create it, or correct the "
                    "path");
  }
  if (path != ":memory:") {
    const fs::path parent = fs::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::exists(parent, ec)) {
      fs::create_directories(parent, ec);
      if (ec) {
        return Fail(ErrorKind::kIo, "database: cannot create " +
                                        parent.string() + ": " + ec.message());
      }
      fs::permissions(parent, fs::perms::owner_all, ec);
    }
  }
  return store::Database::Open(path, store::Database::Missing::kCreate);
}

Result<Context> OpenContext(const std::string& config_path, DatabaseUse use) {
  auto config = LoadConfig(config_path);
  CT_TRY(config);
  CT_TRY(SetUpLogging(config->log));
  auto rules_dir = DataDir(config->rules.dir, "rules");
  CT_TRY(rules_dir);
  auto book = rules::LoadDir(*rules_dir);
  CT_TRY(book);
  auto templates_dir = DataDir(config->templates.dir, "templates");
  CT_TRY(templates_dir);
  auto now = Now();
  CT_TRY(now);
  auto db = OpenDatabase(config->store.database, use, config->path);
  CT_TRY(db);
  notify::Renderer renderer(*templates_dir, config->templates.default_language);
  return Context{.config = std::move(*config),
                 .rules_dir = *rules_dir,
                 .templates_dir = *templates_dir,
                 .rules = std::move(*book),
                 .renderer = std::move(renderer),
                 .db = std::move(*db),
                 .now = *now,
                 .stop = nullptr,
                 .spare_gpg = {}};
}

}  // namespace ct::app

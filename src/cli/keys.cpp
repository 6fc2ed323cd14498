// keys import FILE / keys list / keys bind EMAIL FPR.
#include <fmt/format.h>

#include <iostream>

#include "app/base/gpg_pool.h"
#include "cli/common.h"
#include "core/limits.h"
#include "crypto/import.h"
#include "store/repos.h"
#include "util/read_file.h"
#include "verify/identity.h"

namespace ct::cli {
namespace {

Result<void> Import(app::Context& ctx, const std::string& file) {
  auto data = util::ReadFileLimited(file, core::kMaxKeyFileBytes, "key file");
  if (!data) {
    const bool missing = data.error().kind == ErrorKind::kNotFound;
    return Fail(missing ? ErrorKind::kUsage : data.error().kind,
                "keys import: " + data.error().message);
  }
  auto gpg = app::OpenGpg(ctx);
  CT_TRY(gpg);
  auto fprs = crypto::ImportKeys(*gpg, *data);
  CT_TRY(fprs);
  for (const auto& fpr : *fprs) std::cout << "imported " << fpr << "\n";
  return {};
}

Result<void> List(const Globals& globals, app::Context& ctx) {
  auto bindings = store::KeyRepo(ctx.db).All();
  CT_TRY(bindings);
  PrintRows(
      globals.json, *bindings,
      [](const store::BindingRecord& b) {
        return util::Json::Object()
            .Set("email", b.email)
            .Set("fingerprint", b.fingerprint)
            .Set("bound_at", core::FormatIsoTime(b.bound_at))
            .Set("how", b.how);
      },
      [](const store::BindingRecord& b) {
        return Fit(fmt::format("{:<30} {} {} {}", b.email, b.fingerprint,
                               core::FormatHumanTime(b.bound_at), b.how));
      },
      "no key bound yet");
  return {};
}

// The operator's rebind after a party changed keys: the key must be in
// the home and carry the address.
Result<void> Bind(app::Context& ctx, std::string email,
                  const std::string& fpr_text) {
  for (char& c : email)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto primary = verify::KeyCarrying(ctx, "keys bind", email, fpr_text);
  CT_TRY(primary);
  CT_TRY(verify::BindKey(ctx, email, *primary, verify::BindingKind::kOperator));
  std::cout << "bound " << email << " to " << *primary << "\n";
  return {};
}

}  // namespace

Result<void> RunKeys(const Globals& globals, const Args& args) {
  Syntax syntax("keys import FILE | keys list | keys bind EMAIL FPR");
  AddActionArguments(syntax);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  auto action =
      TakeAction(vm, syntax, {{"import", 1}, {"bind", 2}, {"list", 0}});
  CT_TRY(action);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  const std::vector<std::string>& rest = action->args;
  if (action->name == "import") return Import(*ctx, rest[0]);
  if (action->name == "bind") return Bind(*ctx, rest[0], rest[1]);
  return List(globals, *ctx);
}

}  // namespace ct::cli

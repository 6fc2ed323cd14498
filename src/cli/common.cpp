#include "cli/common.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "app/base/gpg_pool.h"
#include "app/base/ids.h"
#include "config/ini.h"
#include "core/limits.h"
#include "crypto/import.h"
#include "verify/identity.h"

namespace ct::cli {

Result<bool> Parse(Syntax& syntax, const Args& args, po::variables_map& vm) {
  syntax.options.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(syntax.options).add(syntax.hidden);
  try {
    po::store(po::command_line_parser(args)
                  .options(all)
                  .positional(syntax.positional)
                  .style(po::command_line_style::unix_style ^
                         po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Fail(ErrorKind::kUsage, config::DescribeOptionsError(e) +
                                       " (usage: " + syntax.usage + ")");
  }
  if (vm.count("help")) {
    std::cout << "usage: cybertroc [--config FILE] [--json] " << syntax.usage
              << "\n\n"
              << syntax.options;
    return false;
  }
  return true;
}

std::unexpected<Error> WrongUsage(const Syntax& syntax) {
  return Fail(ErrorKind::kUsage, "usage: cybertroc " + syntax.usage);
}

void AddActionArguments(Syntax& syntax) {
  syntax.hidden.add_options()("action", po::value<std::string>())(
      "arg", po::value<std::vector<std::string>>());
  syntax.positional.add("action", 1).add("arg", -1);
}

Result<Action> TakeAction(const po::variables_map& vm, const Syntax& syntax,
                          std::initializer_list<ActionForm> forms,
                          std::string_view fallback) {
  auto name = vm.count("action") || fallback.empty()
                  ? Required(vm, "action", syntax.usage)
                  : Result<std::string>(std::string(fallback));
  CT_TRY(name);
  Action action{std::move(*name), {}};
  if (vm.count("arg")) action.args = vm["arg"].as<std::vector<std::string>>();
  const bool known = std::any_of(forms.begin(), forms.end(), [&](auto form) {
    return form.name == action.name && form.args == action.args.size();
  });
  if (!known) return WrongUsage(syntax);
  return action;
}

Result<std::string> Required(const po::variables_map& vm,
                             const std::string& name,
                             const std::string& usage) {
  if (!vm.count(name)) {
    return Fail(ErrorKind::kUsage,
                "missing " + name + " (usage: " + usage + ")");
  }
  return vm[name].as<std::string>();
}

std::string Optional(const po::variables_map& vm, const std::string& name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

Result<app::Context> OpenContext(const Globals& globals) {
  return app::OpenContext(globals.config_path,
                          globals.may_create_database
                              ? app::DatabaseUse::kCreateIfMissing
                              : app::DatabaseUse::kMustExist);
}

Result<core::Money> ParseAmount(const app::Context& ctx, std::string_view text,
                                std::string_view what) {
  auto amount = core::ParseMoney(text, ctx.config.policy.money.currency);
  if (!amount) {
    return Fail(ErrorKind::kInvalidInput,
                std::string(what) + ": " + amount.error().message);
  }
  return amount;
}

Result<std::string> ParseId(std::string_view text) {
  return app::ParseDealId(text);
}

void PrintJson(const util::Json& json) { std::cout << json.Dump() << '\n'; }

util::Json TimeOrNull(const std::optional<core::Time>& time) {
  return time ? util::Json(core::FormatIsoTime(*time)) : util::Json::Null();
}

util::Json TextOrNull(const std::string& text) {
  return text.empty() ? util::Json::Null() : util::Json(text);
}

util::Json PayoutJson(const store::PayoutRecord& p, bool with_deal) {
  util::Json json = util::Json::Object().Set("id", p.id);
  if (with_deal) {
    json.Set("deal", p.deal_id).Set("created", core::FormatIsoTime(p.created));
  }
  return json.Set("payee", p.payee_role)
      .Set("email", p.payee_email)
      .Set("amount", p.amount.ToString())
      .Set("currency", p.currency)
      .Set("reason", p.reason)
      .Set("status", p.status)
      .Set("done_ref", p.done_ref)
      .Set("done_at", TimeOrNull(p.done_at));
}

void PrintDealAfter(const Globals& globals, const app::Context& ctx,
                    const core::Deal& deal, const std::string& what) {
  if (globals.json) {
    PrintJson(util::Json::Object()
                  .Set("id", deal.id)
                  .Set("state", deal.state)
                  .Set("held", deal.Held().ToString())
                  .Set("deadline", TimeOrNull(deal.deadline)));
    return;
  }
  // A confirmation is never clipped: the amount and currency must show.
  std::cout << deal.id << ": " << what << "; now " << deal.state << ", held "
            << deal.Held().ToString() << " " << ctx.config.policy.money.currency
            << '\n';
}

std::string Fit(std::string_view raw, size_t width) {
  // Party text must not drive the terminal: no control characters.
  std::string clean(raw);
  for (char& ch : clean) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) ch = ' ';
  }
  const std::string_view text = clean;
  if (width == 0) return "";
  size_t columns = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    if (columns == width - 1) {
      // Does the rest fit exactly?
      size_t rest = 0;
      for (size_t k = i; k < text.size(); ++k) {
        if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) ++rest;
      }
      if (rest <= 1) return std::string(text);
      return std::string(text.substr(0, i)) + "…";
    }
    ++columns;
  }
  return std::string(text);
}

std::string DeadlineText(const std::optional<core::Time>& deadline,
                         core::Time now) {
  if (!deadline) return "-";
  return core::FormatHumanTime(*deadline) + " (" +
         core::FormatRelative(*deadline, now) + ")";
}

}  // namespace ct::cli

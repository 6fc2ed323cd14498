// open CASE --ROLE EMAIL ... --TERM AMOUNT ... --TEXT TEXT ... [--delivery M]
// [--lang L]. The options come from the case's rules (roles, terms, texts),
// so `open sale --seller --buyer --item --price [--shipping]` and
// `open exchange --a --b --give --take --value` need no code of their own.
#include <iostream>

#include "app/deals.h"
#include "app/logging.h"
#include "cli/common.h"
#include "core/limits.h"

namespace ct::cli {
namespace {

std::string Usage(const std::string& case_name) {
  return "open " + (case_name.empty() ? "sale|exchange" : case_name) +
         " OPTIONS";
}

void DescribeCase(const core::CaseRules& rules, Syntax& syntax) {
  auto add = syntax.options.add_options();
  for (const auto& role : rules.roles) {
    add(role.c_str(), po::value<std::string>()->value_name("EMAIL"),
        ("address of the " + role).c_str());
  }
  for (const auto& term : rules.terms) {
    add(term.name.c_str(), po::value<std::string>()->value_name("AMOUNT"),
        (term.name + (term.required ? "" : " (optional, default 0)")).c_str());
  }
  for (const auto& text : rules.texts) {
    add(text.c_str(), po::value<std::string>()->value_name("TEXT"),
        text.c_str());
  }
  add("delivery", po::value<std::string>()->value_name("post|hand"),
      "post (default) or hand");
  add("lang", po::value<std::string>()->value_name("L"),
      "language of the mails (default: templates.default_language)");
}

Result<app::OpenRequest> MakeRequest(const app::Context& ctx,
                                     const core::CaseRules& rules,
                                     const po::variables_map& vm) {
  app::OpenRequest request;
  request.case_name = rules.name;
  for (const auto& role : rules.roles) {
    if (vm.count(role)) request.emails[role] = vm[role].as<std::string>();
  }
  for (const auto& term : rules.terms) {
    if (!vm.count(term.name)) continue;
    auto amount =
        ParseAmount(ctx, vm[term.name].as<std::string>(), "--" + term.name);
    CT_TRY(amount);
    request.terms[term.name] = *amount;
  }
  for (const auto& text : rules.texts) {
    if (!vm.count(text)) continue;
    request.texts[text] = vm[text].as<std::string>();
    CT_TRY(core::CheckFreeText("--" + text, request.texts[text],
                               core::kMaxItemChars));
  }
  if (vm.count("delivery")) request.delivery = Optional(vm, "delivery");
  request.lang = Optional(vm, "lang");
  return request;
}

}  // namespace

Result<void> RunOpen(const Globals& globals, const Args& args) {
  if (args.empty() || args[0].starts_with("-")) {
    return Fail(ErrorKind::kUsage,
                "open: which case? (usage: " + Usage("") + ")");
  }
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto rules = ctx->rules.Find(args[0]);
  if (!rules) return Fail(ErrorKind::kUsage, "open: " + rules.error().message);
  Syntax syntax(Usage(args[0]));
  DescribeCase(**rules, syntax);
  po::variables_map vm;
  auto parsed = Parse(syntax, Args(args.begin() + 1, args.end()), vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto request = MakeRequest(*ctx, **rules, vm);
  CT_TRY(request);
  auto id = app::OpenDeal(*ctx, *request);
  CT_TRY(id);
  app::Logger("cli")->info("opened {} ({})", *id, request->case_name);
  if (globals.json) {
    PrintJson(util::Json::Object().Set("id", *id));
  } else {
    std::cout << *id << '\n';
  }
  return {};
}

}  // namespace ct::cli

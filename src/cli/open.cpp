// open CASE --ROLE EMAIL ... --TERM AMOUNT ... --TEXT TEXT ... [--delivery M]
// [--lang L] [--moderator E] [--referrer E] [--sha256 H]. The options come
// from the case's rules (roles, terms, texts, delivery modes and their texts,
// moderation, referral), so `open sale --seller --buyer --item --price
// [--shipping]` and `open exchange --a --b --give --take --value` need no
// code of their own, and an operator can open any deal a mail offer can.
#include <iostream>

#include "app/base/logging.h"
#include "app/deals/deals.h"
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
  std::string modes;
  for (const auto& mode : rules.delivery_modes)
    modes += (modes.empty() ? "" : "|") + mode;
  add("delivery", po::value<std::string>()->value_name(modes),
      "how the goods travel (default: post)");
  for (const auto& [mode, names] : rules.delivery_texts) {
    for (const auto& name : names) {
      add(name.c_str(), po::value<std::string>()->value_name("TEXT"),
          (name + " (with --delivery " + mode + ")").c_str());
    }
  }
  if (!rules.moderation.role.empty()) {
    add("moderator", po::value<std::string>()->value_name("EMAIL"),
        "a moderator from `cybertroc moderators list`");
  }
  if (!rules.referral_on.empty()) {
    add("referrer", po::value<std::string>()->value_name("EMAIL"),
        "who brought the deal: paid money.referral_share of the commission");
  }
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
  for (const auto& [mode, names] : rules.delivery_texts) {
    for (const auto& name : names) {
      if (!vm.count(name)) continue;
      request.texts[name] = vm[name].as<std::string>();
      CT_TRY(core::CheckFreeText("--" + name, request.texts[name],
                                 core::kMaxItemChars));
    }
  }
  if (vm.count("delivery")) request.delivery = Optional(vm, "delivery");
  request.lang = Optional(vm, "lang");
  request.moderator = Optional(vm, "moderator");
  request.referrer = Optional(vm, "referrer");
  return request;
}

}  // namespace

Result<void> RunOpen(const Globals& globals, const Args& args) {
  // The options depend on the case: its own --help lists them.
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "usage: cybertroc " << Usage("") << "\n"
              << "  cybertroc open sale --help       the options of a sale\n"
              << "  cybertroc open exchange --help   the options of an "
                 "exchange\n";
    return {};
  }
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

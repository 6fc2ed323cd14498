// toml++ -> core::CaseRules. Parsing only; the checks that need the whole
// file (reachability, money) live in rules/validate.cpp.
#include "rules/loader.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/limits.h"
#include "rules/validate.h"
#include "util/read_file.h"

namespace ct::rules {
namespace {

using core::CaseRules;

// Collects the first problem with its location, so that every getter can
// stay a one-liner.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  void Problem(const std::string& key, const std::string& what) {
    if (error_.empty()) error_ = fmt::format("{}: {}: {}", path_, key, what);
  }

  std::string String(const toml::node* node, const std::string& key,
                     bool required) {
    if (!node) {
      if (required) Problem(key, "missing (expected a string)");
      return "";
    }
    if (auto v = node->value<std::string>()) return *v;
    Problem(key, "expected a string");
    return "";
  }

  std::vector<std::string> Strings(const toml::node* node,
                                   const std::string& key, bool required) {
    std::vector<std::string> out;
    const toml::array* arr = node ? node->as_array() : nullptr;
    if (!arr) {
      if (node || required) Problem(key, "expected an array of strings");
      return out;
    }
    for (const auto& item : *arr) {
      if (auto v = item.value<std::string>())
        out.push_back(*v);
      else
        Problem(key, "expected an array of strings");
    }
    return out;
  }

  bool Bool(const toml::node* node, const std::string& key) {
    if (!node) return false;
    if (auto v = node->value<bool>()) return *v;
    Problem(key, "expected true or false");
    return false;
  }

  core::LinearExpr Expr(const toml::node* node, const std::string& key) {
    std::string text = String(node, key, true);
    if (text.empty()) return {};
    auto expr = core::ParseExpr(text);
    if (!expr) Problem(key, expr.error().message);
    return expr ? *expr : core::LinearExpr{};
  }

 private:
  std::string path_;
  std::string error_;
};

Result<core::Action> ParseAction(const std::string& name) {
  static const std::map<std::string, core::Action> kActions = {
      {"move", core::Action::kMove},
      {"deposit", core::Action::kDeposit},
      {"propose", core::Action::kPropose},
      {"accept_proposal", core::Action::kAcceptProposal},
      {"resolve", core::Action::kResolve},
      {"extend", core::Action::kExtend},
      {"status", core::Action::kStatus}};
  auto it = kActions.find(name.empty() ? "move" : name);
  if (it == kActions.end())
    return Fail(ErrorKind::kConfig,
                fmt::format("unknown action '{}' (expected move, deposit, "
                            "propose, accept_proposal, resolve, extend, "
                            "status)",
                            name));
  return it->second;
}

Result<core::Settlement> ParseSettlement(const std::string& name) {
  if (name == "formula") return core::Settlement::kFormula;
  if (name == "return_deposits") return core::Settlement::kReturnDeposits;
  if (name == "split") return core::Settlement::kSplit;
  return Fail(ErrorKind::kConfig,
              fmt::format("unknown settlement '{}' (expected formula, "
                          "return_deposits or split)",
                          name));
}

void ReadMoney(const toml::table& root, Reader& r, CaseRules& rules) {
  if (const toml::table* terms = root["terms"].as_table()) {
    for (const auto& [name, node] : *terms) {
      std::string key = fmt::format("terms.{}", name.str());
      std::string kind = r.String(&node, key, true);
      if (kind != "required" && kind != "optional")
        r.Problem(key, "expected \"required\" or \"optional\"");
      rules.terms.push_back({std::string(name.str()), kind == "required"});
    }
  } else {
    r.Problem("terms", "missing table");
  }
  if (const toml::table* vars = root["amounts"].as_table())
    for (const auto& [name, node] : *vars)
      rules.vars[std::string(name.str())] =
          r.Expr(&node, fmt::format("amounts.{}", name.str()));
  if (const toml::table* deps = root["deposits"].as_table())
    for (const auto& [name, node] : *deps)
      rules.deposits[std::string(name.str())] =
          r.Expr(&node, fmt::format("deposits.{}", name.str()));
  rules.commission_base =
      r.Expr(root["commission"]["base"].node(), "commission.base");
  if (const toml::table* payer = root["commission"]["payer"].as_table())
    for (const auto& [name, node] : *payer)
      rules.commission_payer[std::string(name.str())] =
          r.String(&node, fmt::format("commission.payer.{}", name.str()), true);
  rules.franchise_base =
      r.Expr(root["franchise"]["base"].node(), "franchise.base");
  rules.franchise_cap =
      r.Expr(root["franchise"]["cap"].node(), "franchise.cap");
}

void ReadStates(const toml::table& root, Reader& r, CaseRules& rules) {
  const toml::array* states = root["states"].as_array();
  if (!states) return r.Problem("states", "missing array of tables");
  for (size_t i = 0; i < states->size(); ++i) {
    const toml::table* t = (*states)[i].as_table();
    std::string at = fmt::format("states[{}]", i);
    if (!t) return r.Problem(at, "expected a table");
    core::StateRule s;
    s.name = r.String(t->get("name"), at + ".name", true);
    at = fmt::format("states.{}", s.name);
    s.is_final = r.Bool(t->get("final"), at + ".final");
    s.deadline = r.String(t->get("deadline"), at + ".deadline", false);
    s.timeout_to = r.String(t->get("timeout"), at + ".timeout", false);
    s.partial_timeout_to =
        r.String(t->get("partial_timeout"), at + ".partial_timeout", false);
    s.realert = r.String(t->get("realert"), at + ".realert", false);
    s.waits_for = r.Strings(t->get("waits_for"), at + ".waits_for", false);
    s.waits_mark = r.String(t->get("waits_mark"), at + ".waits_mark", false);
    s.on_enter = r.Strings(t->get("on_enter"), at + ".on_enter", false);
    if (const toml::node* n = t->get("settlement")) {
      auto kind = ParseSettlement(r.String(n, at + ".settlement", true));
      if (!kind)
        r.Problem(at + ".settlement", kind.error().message);
      else
        s.settlement = *kind;
    }
    if (const toml::array* pays = t->get_as<toml::array>("payouts")) {
      for (size_t j = 0; j < pays->size(); ++j) {
        std::string pk = fmt::format("{}.payouts[{}]", at, j);
        const toml::table* p = (*pays)[j].as_table();
        if (!p) {
          r.Problem(pk, "expected { to, amount, reason }");
          continue;
        }
        s.payouts.push_back({r.String(p->get("to"), pk + ".to", true),
                             r.Expr(p->get("amount"), pk + ".amount"),
                             r.String(p->get("reason"), pk + ".reason", true)});
      }
    }
    rules.states.push_back(std::move(s));
  }
}

int ReadCode(const toml::node* node, Reader& r, const std::string& key) {
  if (!node) {
    r.Problem(key, "missing");
    return -1;
  }
  if (auto n = node->value<int64_t>()) return static_cast<int>(*n);
  if (auto s = node->value<std::string>(); s && *s == "resolve")
    return core::code::kResolve;
  r.Problem(key, "expected a code number or \"resolve\"");
  return -1;
}

void ReadTransitions(const toml::table& root, Reader& r, CaseRules& rules) {
  const toml::array* list = root["transitions"].as_array();
  if (!list) return r.Problem("transitions", "missing array of tables");
  for (size_t i = 0; i < list->size(); ++i) {
    std::string at = fmt::format("transitions[{}]", i);
    const toml::table* t = (*list)[i].as_table();
    if (!t) return r.Problem(at, "expected a table");
    core::TransitionRule tr;
    tr.code = ReadCode(t->get("code"), r, at + ".code");
    at = fmt::format("transitions[{}] (code {})", i, tr.code);
    tr.from = r.Strings(t->get("from"), at + ".from", true);
    tr.by = r.Strings(t->get("by"), at + ".by", true);
    auto action =
        ParseAction(r.String(t->get("action"), at + ".action", false));
    if (!action)
      r.Problem(at + ".action", action.error().message);
    else
      tr.action = *action;
    tr.to = r.String(t->get("to"), at + ".to", false);
    tr.mark = r.String(t->get("mark"), at + ".mark", false);
    tr.when_all = r.Bool(t->get("when_all"), at + ".when_all");
    tr.notify = r.Strings(t->get("notify"), at + ".notify", false);
    tr.notify_done =
        r.Strings(t->get("notify_done"), at + ".notify_done", false);
    tr.notify_operator =
        r.Bool(t->get("notify_operator"), at + ".notify_operator");
    tr.summary = r.String(t->get("summary"), at + ".summary", true);
    tr.delivery = r.Strings(t->get("delivery"), at + ".delivery", false);
    rules.transitions.push_back(std::move(tr));
  }
}

// [moderation], [referral] and [delivery_texts]: what an offer may add
// (docs/protocol.md "Moderators", "Digital goods").
void ReadTrust(const toml::table& root, Reader& r, CaseRules& rules) {
  if (const toml::table* m = root["moderation"].as_table()) {
    auto& mod = rules.moderation;
    mod.role = r.String(m->get("role"), "moderation.role", true);
    mod.fee_base = r.Expr(m->get("fee_base"), "moderation.fee_base");
    mod.fee_on = r.Strings(m->get("fee_on"), "moderation.fee_on", true);
    mod.notify_in =
        r.Strings(m->get("notify_in"), "moderation.notify_in", false);
  }
  if (const toml::table* ref = root["referral"].as_table())
    rules.referral_on =
        r.Strings(ref->get("share_on"), "referral.share_on", true);
  if (const toml::table* dt = root["delivery_texts"].as_table())
    for (const auto& [mode, node] : *dt)
      rules.delivery_texts[std::string(mode.str())] =
          r.Strings(&node, fmt::format("delivery_texts.{}", mode.str()), true);
}

// "*" in a transition's `from` stands for every state.
void ExpandWildcards(CaseRules& rules) {
  for (auto& t : rules.transitions) {
    if (t.from.size() != 1 || t.from[0] != "*") continue;
    t.from.clear();
    for (const auto& s : rules.states) t.from.push_back(s.name);
  }
}

}  // namespace

Result<core::CaseRules> LoadString(const std::string& text,
                                   const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Fail(ErrorKind::kConfig,
                fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                            e.source().begin.column, e.description()));
  }
  Reader r(path);
  CaseRules rules;
  rules.source = path;
  rules.name = r.String(root.get("case"), "case", true);
  rules.roles = r.Strings(root.get("roles"), "roles", true);
  rules.initiator = r.String(root.get("initiator"), "initiator", true);
  rules.initial_state = r.String(root.get("initial"), "initial", true);
  rules.texts = r.Strings(root.get("texts"), "texts", false);
  rules.counterparty_field =
      r.String(root.get("counterparty_field"), "counterparty_field", false);
  rules.delivery_modes = r.Strings(root.get("delivery"), "delivery", true);
  ReadMoney(root, r, rules);
  ReadStates(root, r, rules);
  ReadTransitions(root, r, rules);
  ReadTrust(root, r, rules);
  if (!r.ok()) return Fail(ErrorKind::kConfig, r.error());
  ExpandWildcards(rules);
  CT_TRY(Validate(rules));
  return rules;
}

Result<core::CaseRules> LoadFile(const std::string& path) {
  auto text =
      util::ReadFileLimited(path, core::kMaxRulesFileBytes, "rules file");
  if (!text) return Fail(ErrorKind::kConfig, text.error().message);
  return LoadString(*text, path);
}

Result<RuleBook> LoadDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Fail(ErrorKind::kConfig,
                fmt::format("{}: rules directory not found", dir));
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty())
    return Fail(ErrorKind::kConfig,
                fmt::format("{}: no *.toml rules files", dir));
  RuleBook book;
  for (const auto& file : files) {
    auto rules = LoadFile(file.string());
    CT_TRY(rules);
    if (book.cases.contains(rules->name))
      return Fail(ErrorKind::kConfig,
                  fmt::format("{}: case: '{}' is defined twice", file.string(),
                              rules->name));
    book.cases[rules->name] = std::move(*rules);
  }
  return book;
}

Result<const core::CaseRules*> RuleBook::Find(const std::string& name) const {
  auto it = cases.find(name);
  if (it != cases.end()) return &it->second;
  std::string known;
  for (const auto& [n, _] : cases) known += (known.empty() ? "" : ", ") + n;
  return Fail(ErrorKind::kNotFound,
              fmt::format("unknown case '{}' (known: {})", name, known));
}

std::vector<std::string> RuleBook::TemplateNames() const {
  std::set<std::string> names = {"refusal",
                                 "help",
                                 "unsigned",
                                 "reminder",
                                 "deadline_passed",
                                 "partial_default",
                                 "payout_instructions",
                                 "offer",
                                 "rated",
                                 "reputation"};
  // Replies to "CT 03" and account change notices (app/accounts/accounts.cpp).
  names.insert(
      {"account_registered", "account_change_pending", "account_changed"});
  for (const auto& [_, rules] : cases) {
    for (const auto& s : rules.states) {
      names.insert(s.on_enter.begin(), s.on_enter.end());
      if (!s.realert.empty()) names.insert(s.realert);
    }
    for (const auto& t : rules.transitions) {
      names.insert(t.notify.begin(), t.notify.end());
      names.insert(t.notify_done.begin(), t.notify_done.end());
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace ct::rules

#include "rules/validate.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <deque>
#include <regex>
#include <set>

#include "core/policy.h"

namespace ct::rules {
namespace {

using core::CaseRules;
using core::LinearExpr;

bool In(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class Checker {
 public:
  explicit Checker(const CaseRules& r) : r_(r) {}

  Result<void> Run() {
    CheckCase();
    CheckAmounts();
    CheckStates();
    CheckTransitions();
    CheckTrust();
    if (error_.empty()) CheckReachable();
    if (error_.empty()) CheckFormulaNeedsFunding();
    if (error_.empty()) return {};
    return Fail(ErrorKind::kConfig, error_);
  }

 private:
  void Problem(const std::string& key, const std::string& what) {
    if (error_.empty())
      error_ = fmt::format("{}: {}: {}", r_.source, key, what);
  }

  bool IsState(const std::string& s) const {
    return r_.FindState(s) != nullptr;
  }
  bool IsActor(const std::string& s) const {
    return r_.HasRole(s) || s == core::kOperatorRole || r_.IsModeratorRole(s);
  }

  void CheckCase() {
    if (r_.roles.empty()) Problem("roles", "at least one role expected");
    std::set<std::string> seen;
    for (const auto& role : r_.roles)
      if (role == core::kOperatorRole || role == core::kTimerRole ||
          !seen.insert(role).second)
        Problem("roles", fmt::format("'{}' is reserved or repeated", role));
    if (!r_.HasRole(r_.initiator))
      Problem("initiator",
              fmt::format("unknown role '{}' (roles: {})", r_.initiator,
                          fmt::join(r_.roles, ", ")));
    if (!IsState(r_.initial_state))
      Problem("initial", fmt::format("unknown state '{}'", r_.initial_state));
    if (r_.delivery_modes.empty())
      Problem("delivery", "at least one delivery mode expected");
  }

  // Every formula may only use offer terms, derived amounts, bond_shipping,
  // commission and franchise; derived amounts must not be circular.
  void CheckExpr(const LinearExpr& e, const std::string& key) {
    for (const auto& [var, _] : e.coef) {
      bool known = var == "bond_shipping" || var == "commission" ||
                   var == "franchise" || r_.vars.contains(var);
      for (const auto& t : r_.terms) known = known || t.name == var;
      if (!known) Problem(key, fmt::format("unknown amount '{}'", var));
    }
  }

  LinearExpr Expand(const LinearExpr& e, int depth = 0) {
    LinearExpr out;
    for (const auto& [var, k] : e.coef) {
      auto it = r_.vars.find(var);
      if (it == r_.vars.end()) {
        out.coef[var] += k;
        if (out.coef[var] == 0) out.coef.erase(var);
      } else if (depth > 16) {
        Problem("amounts." + var, "circular definition");
      } else {
        out.Add(Expand(it->second, depth + 1), k);
      }
    }
    return out;
  }

  void CheckAmounts() {
    if (r_.terms.empty()) Problem("terms", "at least one term expected");
    for (const auto& [name, e] : r_.vars) {
      CheckExpr(e, "amounts." + name);
      Expand(e);
    }
    for (const auto& role : r_.roles)
      if (!r_.deposits.contains(role))
        Problem("deposits." + role, "missing: what this role deposits");
    for (const auto& [role, e] : r_.deposits) {
      if (!r_.HasRole(role)) Problem("deposits." + role, "unknown role");
      CheckExpr(e, "deposits." + role);
    }
    CheckExpr(r_.commission_base, "commission.base");
    CheckExpr(r_.franchise_base, "franchise.base");
    CheckExpr(r_.franchise_cap, "franchise.cap");
    for (const auto& [payer, role] : r_.commission_payer) {
      if (payer != "seller" && payer != "buyer")
        Problem("commission.payer." + payer,
                "expected the keys seller and buyer (money.commission_payer)");
      if (!r_.HasRole(role))
        Problem("commission.payer." + payer,
                fmt::format("unknown role '{}'", role));
    }
  }

  void CheckState(const core::StateRule& s) {
    std::string at = "states." + s.name;
    static const core::DeadlinePolicy kDefaults;
    for (const auto& who : s.waits_for)
      if (!IsActor(who))
        Problem(at + ".waits_for", fmt::format("unknown role '{}'", who));
    if (s.is_final) {
      if (!s.deadline.empty() || !s.timeout_to.empty())
        Problem(at, "a final state has no deadline or timeout");
      if (s.settlement == core::Settlement::kNone)
        Problem(at + ".settlement",
                "a final state must say how money leaves (formula, "
                "return_deposits or split): it could hold money");
      if (s.settlement == core::Settlement::kFormula) CheckPayouts(s);
      return;
    }
    if (s.settlement != core::Settlement::kNone)
      Problem(at + ".settlement", "only final states settle");
    if (s.deadline.empty())
      Problem(at + ".deadline", "a waiting state needs a deadline");
    else if (!kDefaults.days.contains(s.deadline))
      Problem(at + ".deadline",
              fmt::format("unknown deadline key '{}'", s.deadline));
    if (s.timeout_to.empty())
      Problem(at + ".timeout", "a waiting state needs a default outcome");
    else if (!IsState(s.timeout_to))
      Problem(at + ".timeout", fmt::format("unknown state '{}'", s.timeout_to));
    if (s.timeout_to == s.name && s.realert.empty())
      Problem(at + ".realert",
              "a state that times out to itself must re-alert someone");
    if (s.waits_for.empty())
      Problem(at + ".waits_for", "who must act in this state?");
    CheckMark(s);
    CheckPartial(s);
  }

  // The state `s` moves to once every role has its mark (the when_all
  // transition that sets it); "" when none does.
  std::string MarkTarget(const core::StateRule& s) const {
    for (const auto& t : r_.transitions)
      if (In(t.from, s.name) && t.mark == s.waits_mark && t.when_all)
        return t.to;
    return "";
  }

  void CheckMark(const core::StateRule& s) {
    if (s.waits_mark.empty() || s.waits_mark == "paid") return;
    if (MarkTarget(s).empty())
      Problem("states." + s.name + ".waits_mark",
              fmt::format("no transition from '{}' sets the mark '{}' with "
                          "when_all",
                          s.name, s.waits_mark));
  }

  // Where several roles each leave a mark, a deadline can pass after some
  // but not all of them did their step (one shipped, the other not). The
  // file must say where the deal goes then, and that must not end the deal
  // against the one who performed: either a state that keeps the funds
  // (disputed), or, where silence counts as doing the step (61: silence is
  // acceptance), the very state the last mark would have led to. Deposits
  // ("paid") are exempt: an unfunded deal pays every deposit back in full.
  void CheckPartial(const core::StateRule& s) {
    const std::string at = "states." + s.name + ".partial_timeout";
    std::vector<std::string> marking;
    for (const auto& who : s.waits_for)
      if (r_.HasRole(who)) marking.push_back(who);
    if (s.waits_mark.empty() || marking.size() < 2) {
      if (!s.partial_timeout_to.empty())
        Problem(at,
                "only a state where several roles each leave a mark "
                "(waits_mark) can be partly done");
      return;
    }
    if (s.partial_timeout_to.empty())
      return Problem(
          at, fmt::format("missing: where the deal goes when the deadline "
                          "passes after some but not all of {} did '{}' "
                          "(e.g. \"disputed\")",
                          fmt::join(marking, ", "), s.waits_mark));
    const core::StateRule* to = r_.FindState(s.partial_timeout_to);
    if (!to)
      return Problem(at,
                     fmt::format("unknown state '{}'", s.partial_timeout_to));
    if (to->name == s.name)
      return Problem(at, "must leave the state: the deadline has passed");
    if (s.waits_mark == "paid" || !to->is_final) return;
    const std::string by_mark = MarkTarget(s);
    if (to->name != by_mark)
      Problem(at,
              fmt::format("'{}' ends the deal when one party did '{}' and "
                          "another did not: the one who performed would lose "
                          "(use a state that keeps the funds, such as "
                          "\"disputed\", or '{}' where silence counts as "
                          "doing the step)",
                          to->name, s.waits_mark, by_mark));
  }

  // The payouts of a formula ending must add up, symbolically, to every
  // deposit less the commission: then no ending can hold money, whatever
  // the amounts.
  void CheckPayouts(const core::StateRule& s) {
    std::string at = "states." + s.name + ".payouts";
    if (s.payouts.empty()) Problem(at, "a formula ending needs payouts");
    LinearExpr paid, deposited;
    for (const auto& p : s.payouts) {
      if (!IsActor(p.payee))
        Problem(at, fmt::format("unknown payee '{}'", p.payee));
      if (p.reason.empty()) Problem(at, "every payout needs a reason");
      CheckExpr(p.amount, at);
      paid.Add(Expand(p.amount));
    }
    for (const auto& [_, e] : r_.deposits) deposited.Add(Expand(e));
    if (!(paid == deposited))
      Problem(at, fmt::format("the final state could hold money: payouts "
                              "add up to {} but deposits (less commission) "
                              "are {}",
                              paid.ToString(), deposited.ToString()));
  }

  void CheckStates() {
    std::set<std::string> seen;
    for (const auto& s : r_.states) {
      if (!seen.insert(s.name).second)
        Problem("states." + s.name, "defined twice");
      CheckState(s);
      for (const auto& name : s.on_enter)
        CheckTemplate("states." + s.name, name);
    }
  }

  void CheckTemplate(const std::string& at, const std::string& name) {
    static const std::regex kName("[a-z][a-z0-9_]*");
    if (!std::regex_match(name, kName))
      Problem(at, fmt::format("bad template name '{}'", name));
  }

  void CheckTransition(const core::TransitionRule& t, const std::string& at) {
    using core::Action;
    if (!core::IsKnownCode(t.code))
      Problem(at + ".code", fmt::format("unknown code {}", t.code));
    for (const auto& s : t.from)
      if (!IsState(s))
        Problem(at + ".from", fmt::format("unknown state '{}'", s));
    for (const auto& b : t.by)
      if (!IsActor(b)) Problem(at + ".by", fmt::format("unknown role '{}'", b));
    if (!t.to.empty() && !IsState(t.to))
      Problem(at + ".to", fmt::format("unknown state '{}'", t.to));
    if (t.when_all && t.mark.empty())
      Problem(at + ".when_all", "needs a mark to count");
    if (!t.mark.empty() && In(t.by, core::kOperatorRole))
      Problem(at + ".mark", "only parties have progress marks");
    bool operator_only = t.by.size() == 1 && t.by[0] == core::kOperatorRole;
    if ((t.action == Action::kDeposit || t.action == Action::kResolve) &&
        !operator_only)
      Problem(at + ".by", "only the operator records deposits or resolves");
    if (t.action == Action::kAcceptProposal || t.action == Action::kResolve) {
      const core::StateRule* to = r_.FindState(t.to);
      if (!to || to->settlement != core::Settlement::kSplit)
        Problem(at + ".to", "must be a final state settled by split");
    }
    if (t.action == Action::kStatus && !t.to.empty())
      Problem(at + ".to", "a status request does not move the deal");
    for (const auto& s : t.from) {
      const core::StateRule* st = r_.FindState(s);
      if (st && st->is_final && t.action != Action::kStatus)
        Problem(at + ".from", fmt::format("'{}' is final", s));
    }
    for (const auto& n : t.notify) CheckTemplate(at + ".notify", n);
    for (const auto& n : t.notify_done) CheckTemplate(at + ".notify_done", n);
  }

  void CheckTransitions() {
    for (size_t i = 0; i < r_.transitions.size(); ++i)
      CheckTransition(
          r_.transitions[i],
          fmt::format("transitions[{}] (code {})", i, r_.transitions[i].code));
  }

  // States reachable from the initial one; `through_funding` false stops at
  // the moves that fund the deal.
  std::set<std::string> Reachable(bool through_funding) const {
    std::set<std::string> seen = {r_.initial_state};
    std::deque<std::string> todo = {r_.initial_state};
    while (!todo.empty()) {
      std::string s = todo.front();
      todo.pop_front();
      std::vector<std::string> next;
      if (const core::StateRule* st = r_.FindState(s)) {
        if (!st->timeout_to.empty()) next.push_back(st->timeout_to);
        if (!st->partial_timeout_to.empty())
          next.push_back(st->partial_timeout_to);
      }
      for (const auto& t : r_.transitions)
        if (In(t.from, s) && !t.to.empty() &&
            (through_funding || t.action != core::Action::kDeposit))
          next.push_back(t.to);
      for (const auto& n : next)
        if (seen.insert(n).second) todo.push_back(n);
    }
    return seen;
  }

  void CheckReachable() {
    auto seen = Reachable(true);
    for (const auto& s : r_.states)
      if (!seen.contains(s.name))
        Problem("states." + s.name, "unreachable from the initial state");
  }

  void CheckFormulaNeedsFunding() {
    for (const auto& s : Reachable(false)) {
      const core::StateRule* st = r_.FindState(s);
      if (st && st->settlement == core::Settlement::kFormula)
        Problem("states." + s,
                "pays by formula but can be reached before the deal is "
                "funded (use return_deposits)");
    }
  }

  // The third role takes part in a dispute and nothing else: it may ask
  // the status, propose a split and accept another's proposal, so that no
  // final state is reachable by the moderator alone (two of three).
  void CheckModeration() {
    const auto& m = r_.moderation;
    if (m.role.empty()) return;
    if (r_.HasRole(m.role) || m.role == core::kOperatorRole ||
        m.role == core::kTimerRole)
      Problem("moderation.role",
              fmt::format("'{}' is a party, reserved or repeated", m.role));
    CheckExpr(m.fee_base, "moderation.fee_base");
    for (const auto& t : r_.transitions) {
      if (!In(t.by, m.role)) continue;
      using core::Action;
      if (t.action != Action::kStatus && t.action != Action::kPropose &&
          t.action != Action::kAcceptProposal)
        Problem(fmt::format("transitions (code {}).by", t.code),
                fmt::format("the {} may only ask the status, propose (90) "
                            "or accept a proposal (91)",
                            m.role));
    }
    for (const auto& s : r_.states) {
      if (In(s.waits_for, m.role))
        Problem("states." + s.name + ".waits_for",
                "nothing may wait for the moderator: a deal without one "
                "would wait forever");
      if (s.settlement == core::Settlement::kSplit && !In(m.fee_on, s.name))
        Problem("moderation.fee_on",
                fmt::format("'{}' is settled by a split and must pay the "
                            "moderator's fee",
                            s.name));
    }
    for (const auto& name : m.notify_in)
      if (!IsState(name))
        Problem("moderation.notify_in",
                fmt::format("unknown state '{}'", name));
  }

  void CheckFinalList(const std::vector<std::string>& names,
                      const std::string& key) {
    for (const auto& name : names) {
      const core::StateRule* s = r_.FindState(name);
      if (!s || !s->is_final)
        Problem(key, fmt::format("'{}' is not a final state", name));
    }
  }

  void CheckTrust() {
    CheckModeration();
    CheckFinalList(r_.moderation.fee_on, "moderation.fee_on");
    CheckFinalList(r_.referral_on, "referral.share_on");
    for (const auto& [mode, fields] : r_.delivery_texts) {
      if (!In(r_.delivery_modes, mode))
        Problem("delivery_texts." + mode, "not a delivery mode of the case");
      for (const auto& f : fields)
        if (In(r_.texts, f))
          Problem("delivery_texts." + mode,
                  fmt::format("'{}' is already required by texts", f));
    }
    for (const auto& t : r_.transitions)
      for (const auto& mode : t.delivery)
        if (!In(r_.delivery_modes, mode))
          Problem(fmt::format("transitions (code {}).delivery", t.code),
                  fmt::format("unknown delivery mode '{}'", mode));
  }

  const CaseRules& r_;
  std::string error_;
};

}  // namespace

Result<void> Validate(const core::CaseRules& rules) {
  return Checker(rules).Run();
}

}  // namespace ct::rules

// Explores, breadth-first, every deal reachable from a fresh offer by any
// sequence of commands (every code from every sender, deposits exact, short
// and excess, splits that add up and that do not, extensions) and deadline
// expiries, visiting equal deals once, and checks the money invariants on
// every transition.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <unordered_set>

#include "core/engine.h"
#include "test_rules.h"

namespace ct::core {
namespace {

using ct::testing::M;

}  // namespace

// Readable amounts in assertion messages.
void PrintTo(const Money& m, std::ostream* os) { *os << m.ToString(); }

namespace {

constexpr int kDepth = 14;
const Time kT0 = *ParseIsoTime("2027-01-31T12:00:00Z");

// Equal deals are visited once; the times are left out on purpose (each
// node is explored at its own state-entry time and at its deadline).
std::string Key(const Deal& d) {
  std::string k =
      fmt::format("{}|{}|{}|{}|{}|", d.state, d.funded, d.paid_in.minor(),
                  d.paid_out.minor(), d.reminders_fired);
  for (const auto& p : d.parties)
    k += fmt::format("{}:{}:{}:{};", p.role, p.deposited.minor(),
                     fmt::join(p.marks, ","), p.extend_days);
  if (d.proposal)
    for (const auto& [r, m] : d.proposal->split)
      k += fmt::format("{}{}={};", d.proposal->by, r, m.minor());
  return k;
}

struct Node {
  Deal deal;
  int depth;
};

struct Probe {
  Command cmd;
  Time now;
};

class Explorer {
 public:
  explicit Explorer(const CaseRules& rules) : rules_(rules) {}

  void Run(const Offer& offer) {
    auto fresh = NewDeal(rules_, policy_, offer, kT0);
    ASSERT_TRUE(fresh.has_value());
    std::deque<Node> todo = {{*fresh, 0}};
    seen_.insert(Key(*fresh));
    while (!todo.empty()) {
      Node node = std::move(todo.front());
      todo.pop_front();
      states_.insert(node.deal.state);
      CheckDeal(node.deal);
      if (node.depth == kDepth) continue;
      for (const auto& probe : Probes(node.deal)) {
        ++transitions_;
        auto r = Step(rules_, policy_, node.deal, probe.cmd, probe.now);
        if (auto* refusal = std::get_if<Refusal>(&r)) {
          ++refusals_;
          ASSERT_FALSE(refusal->reason.empty());
          ASSERT_EQ(refusal->reason.find("internal"), std::string::npos)
              << refusal->reason << " in " << Key(node.deal);
          continue;
        }
        auto& out = std::get<Outcome>(r);
        CheckStep(node.deal, out, probe.cmd);
        if (seen_.insert(Key(out.deal)).second)
          todo.push_back({out.deal, node.depth + 1});
      }
    }
    for (const auto& s : rules_.states)
      EXPECT_TRUE(states_.contains(s.name)) << s.name << " never reached";
    fmt::print(
        "{}: explored {} deals, {} transitions ({} refused) to depth "
        "{}\n",
        rules_.name, seen_.size(), transitions_, refusals_, kDepth);
  }

 private:
  std::vector<Probe> Probes(const Deal& d) {
    std::vector<Probe> probes;
    Time now = d.state_entered;
    std::vector<std::string> actors = rules_.roles;
    actors.push_back(kOperatorRole);
    for (int c : {0, 11, 12, 13, 40, 61, 62, 63, 81, 91, 101, 102})
      for (const auto& a : actors) probes.push_back({Cmd(c, a), now});
    for (const auto& a : actors) {
      for (int days : {3, 5}) {
        Command c = Cmd(code::kExtend, a);
        c.days = days;
        probes.push_back({c, now});
      }
      for (const auto& split : Splits(d)) {
        Command c = Cmd(code::kPropose, a);
        c.split = split;
        probes.push_back({c, now});
        c.code = code::kResolve;
        probes.push_back({c, now});
      }
    }
    for (const auto& p : d.parties) {
      Money left = p.due > p.deposited ? p.due - p.deposited : Money();
      for (Money amount : {left, left - M(1), left + M(100), M(0)}) {
        Command c = Cmd(code::kDeposit, kOperatorRole);
        c.deposit_role = p.role;
        c.amount = amount;
        probes.push_back({c, now});
        c.actor = p.role;  // a party may not record deposits
        probes.push_back({c, now});
      }
    }
    if (d.deadline) {
      probes.push_back({Cmd(code::kTimeout, kTimerRole), *d.deadline});
      probes.push_back({Cmd(code::kTimeout, kTimerRole), now});  // too early
      probes.push_back(
          {Cmd(code::kReminder, kTimerRole), *d.deadline - Days(1)});
    }
    return probes;
  }

  // One split that adds up, one that does not.
  std::vector<std::map<std::string, Money>> Splits(const Deal& d) {
    std::map<std::string, Money> good, bad;
    Money rest = d.Splittable();
    for (const auto& role : rules_.roles) {
      Money share = role == rules_.roles.back()
                        ? rest
                        : Money::FromMinor(rest.minor() / 3);
      good[role] = share;
      rest -= share;
      bad[role] = share + M(1);
    }
    return {good, bad};
  }

  static Command Cmd(int code, const std::string& actor) {
    Command c;
    c.code = code;
    c.actor = actor;
    return c;
  }

  void CheckDeal(const Deal& d) {
    const StateRule* s = rules_.FindState(d.state);
    ASSERT_NE(s, nullptr) << d.state;
    EXPECT_EQ(d.deadline.has_value(), !s->is_final)
        << d.state << ": every non-final state has a deadline";
    EXPECT_GE(d.Held(), Money()) << Key(d);
    if (!s->is_final) {
      EXPECT_GE(d.Splittable(), Money()) << Key(d);
    }
    Money deposited;
    for (const auto& p : d.parties) deposited += p.deposited;
    EXPECT_EQ(deposited, d.paid_in);
    if (s->is_final) {
      EXPECT_TRUE(d.Held().IsZero()) << Key(d);
    }
  }

  void CheckStep(const Deal& before, const Outcome& out, const Command& cmd) {
    Money in, commission, payouts;
    for (const auto& m : out.effects.ledger) {
      ASSERT_GT(m.amount, Money()) << "ledger moves are positive";
      if (m.kind == LedgerKind::kDeposit) in += m.amount;
      if (m.kind == LedgerKind::kCommission) commission += m.amount;
      if (m.kind == LedgerKind::kPayout) payouts += m.amount;
    }
    // Money in = money out + held, move by move.
    ASSERT_EQ(out.deal.paid_in - before.paid_in, in);
    ASSERT_EQ(out.deal.paid_out - before.paid_out, commission + payouts);
    Money sum;
    for (const auto& p : out.effects.payouts) sum += p.amount;
    ASSERT_EQ(sum, payouts);
    bool final = rules_.FindState(out.deal.state)->is_final;
    bool was_final = rules_.FindState(before.state)->is_final;
    if (final && !was_final) {
      Money taken;
      if (out.deal.funded)
        for (const auto& p : out.deal.parties) taken += p.commission;
      EXPECT_EQ(payouts, out.deal.paid_in - taken)
          << "payouts = all deposits less commission, " << Key(out.deal);
    } else {
      EXPECT_TRUE(payouts.IsZero()) << "only endings pay out";
    }
    if (was_final) {
      EXPECT_EQ(cmd.code, code::kStatus);
    }
    EXPECT_EQ(out.effects.from_state, before.state);
    EXPECT_EQ(out.effects.to_state, out.deal.state);
  }

  const CaseRules& rules_;
  Policy policy_;
  std::unordered_set<std::string> seen_;
  std::set<std::string> states_;
  long transitions_ = 0;
  long refusals_ = 0;
};

TEST(ExhaustiveTest, Sale) {
  Offer o;
  o.id = "CT-7K3QX9A2";
  o.emails = {{"seller", "s@example.test"}, {"buyer", "b@example.test"}};
  o.terms = {{"price", M(2525)}, {"shipping", M(499)}};
  o.texts = {{"item", "CD"}};
  Explorer(ct::testing::Sale()).Run(o);
}

TEST(ExhaustiveTest, Exchange) {
  Offer o;
  o.id = "CT-EXCH0001";
  o.emails = {{"a", "a@example.test"}, {"b", "b@example.test"}};
  o.terms = {{"value", M(2001)}};
  o.texts = {{"give", "x"}, {"take", "y"}};
  Explorer(ct::testing::Exchange()).Run(o);
}

}  // namespace
}  // namespace ct::core

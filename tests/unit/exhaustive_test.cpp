// Explores, breadth-first, every deal reachable from a fresh offer by any
// sequence of commands (every code from every sender, deposits exact, short
// and excess, splits that add up and that do not, extensions) and deadline
// expiries, visiting equal deals once, for every rules file shipped. Every
// state is reached (checked), so every state is explored onwards. On every
// transition it checks the money invariants and fairness:
//
//   A deadline that passes after some but not all of the waiting parties
//   did their step (one item shipped, the other not) never ends the deal,
//   unless silence counts as that step: then it ends exactly as it would
//   have had every silent party sent it (same state, same payouts). One 61
//   and the other silent in an exchange is two acceptances; one 40 and the
//   other silent is not a shipment (docs/protocol.md "Deadlines and
//   silence").
//
// Deposits are not a performed step: an unfunded deal pays each back in
// full (checked with the money). Moderated variants add: what is
// passed on from the commission (referral, a moderator's fee) never exceeds
// it, and the moderator alone never ends a deal: whenever its command makes
// a deal final it accepted a party's proposal, and from every state where it
// may act, no sequence of its commands alone reaches a final state.
// ExhaustiveTest.CatchesTheOldUnfairTimeouts
// runs the checker on the rules as they were before partial timeouts
// (every deadline led to the same place whoever had acted) and expects it
// to object.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <unordered_set>

#include "core/engine.h"
#include "core/trust_terms.h"
#include "test_rules.h"

namespace ct::core {
namespace {

using ct::testing::M;

}  // namespace

// Readable amounts in assertion messages.
void PrintTo(const Money& m, std::ostream* os) { *os << m.ToString(); }

namespace {

constexpr int kDepth = 14;
// Enough to reach a second party's missed return in an exchange.
constexpr int kShallowDepth = 10;
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
  explicit Explorer(const CaseRules& rules, int depth = kDepth,
                    Policy policy = {})
      : rules_(rules), depth_(depth), policy_(std::move(policy)) {}

  // States a variant cannot reach (a digital copy is never sent back).
  void set_unreachable(std::set<std::string> states) {
    unreachable_ = std::move(states);
  }

  // Moderator commands checked, alone, from states where it may act.
  long moderator_probes() const { return moderator_probes_; }

  // Unfair timeouts found, one line each ("funded -> cancelled ...").
  const std::vector<std::string>& unfair() const { return unfair_; }
  // Timeouts checked from a partly performed state.
  long partial_timeouts() const { return partial_timeouts_; }

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
      CheckModeratorAlone(node.deal);
      if (node.depth == depth_) continue;
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
        if (probe.cmd.code == code::kTimeout)
          CheckFair(node.deal, out, probe.now);
        if (seen_.insert(Key(out.deal)).second)
          todo.push_back({out.deal, node.depth + 1});
      }
    }
    for (const auto& s : rules_.states)
      EXPECT_EQ(states_.contains(s.name), !unreachable_.contains(s.name))
          << s.name
          << (unreachable_.contains(s.name) ? " reached" : " never reached");
    fmt::print(
        "{}: explored {} deals, {} transitions ({} refused) to depth "
        "{}; {} timeouts from a partly performed state, {} unfair\n",
        rules_.name, seen_.size(), transitions_, refusals_, depth_,
        partial_timeouts_, unfair_.size());
  }

 private:
  std::vector<Probe> Probes(const Deal& d) {
    std::vector<Probe> probes;
    Time now = d.state_entered;
    std::vector<std::string> actors = rules_.roles;
    actors.push_back(kOperatorRole);
    // Always probed: refused where the deal names no moderator.
    if (!rules_.moderation.role.empty())
      actors.push_back(rules_.moderation.role);
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
    Money in, commission, payouts, shares;
    for (const auto& m : out.effects.ledger) {
      ASSERT_GT(m.amount, Money()) << "ledger moves are positive";
      if (m.kind == LedgerKind::kDeposit) in += m.amount;
      if (m.kind == LedgerKind::kCommission) commission += m.amount;
      if (m.kind == LedgerKind::kPayout) payouts += m.amount;
      if (m.kind == LedgerKind::kShare) shares += m.amount;
    }
    Money taken;  // the commission, taken once funded
    if (out.deal.funded)
      for (const auto& p : out.deal.parties) taken += p.commission;
    EXPECT_LE(shares, taken) << "passed on more than the commission";
    // Money in = money out + held, move by move.
    ASSERT_EQ(out.deal.paid_in - before.paid_in, in);
    ASSERT_EQ(out.deal.paid_out - before.paid_out, commission + payouts);
    Money sum;
    for (const auto& p : out.effects.payouts) sum += p.amount;
    ASSERT_EQ(sum, payouts + shares);
    if (rules_.IsModeratorRole(cmd.actor) &&
        rules_.FindState(out.deal.state)->is_final &&
        !rules_.FindState(before.state)->is_final) {
      ASSERT_TRUE(before.proposal.has_value()) << Key(before);
      EXPECT_TRUE(before.Party(before.proposal->by))
          << "the moderator ended a deal alone: " << Key(before);
    }
    bool final = rules_.FindState(out.deal.state)->is_final;
    bool was_final = rules_.FindState(before.state)->is_final;
    if (final && !was_final) {
      EXPECT_EQ(payouts, out.deal.paid_in - taken)
          << "payouts = all deposits less commission, " << Key(out.deal);
    } else {
      EXPECT_TRUE(payouts.IsZero()) << "only endings pay out";
      EXPECT_TRUE(shares.IsZero()) << "only endings pass on commission";
    }
    if (was_final) {
      EXPECT_EQ(cmd.code, code::kStatus);
    }
    EXPECT_EQ(out.effects.from_state, before.state);
    EXPECT_EQ(out.effects.to_state, out.deal.state);
  }

  // The roles `s` waits for that have not left its mark, when some have
  // and some have not (a step partly performed); empty otherwise.
  std::vector<std::string> Silent(const StateRule& s, const Deal& d) const {
    if (s.waits_mark.empty() || s.waits_mark == "paid") return {};
    std::vector<std::string> silent;
    size_t parties = 0;
    for (const auto& role : s.waits_for) {
      const PartyState* p = d.Party(role);
      if (!p) continue;
      ++parties;
      if (!p->marks.contains(s.waits_mark)) silent.push_back(role);
    }
    if (silent.empty() || silent.size() == parties) return {};
    return silent;
  }

  // No sequence of up to three commands of the moderator alone (every code,
  // good and bad splits, extensions, deposits) ends a deal it may act on
  // while no party agrees: from the deal as it is with no party's proposal
  // standing (accepting one is two of three, checked in CheckStep).
  void CheckModeratorAlone(const Deal& reached) {
    const std::string& mod = rules_.moderation.role;
    if (mod.empty() || ModeratorOf(reached).empty()) return;
    Deal start = reached;
    start.proposal.reset();
    if (AllowedCodes(rules_, start, mod).size() <= 1) return;
    std::vector<Deal> level = {start};
    for (int depth = 0; depth < 3 && !level.empty(); ++depth) {
      std::vector<Deal> next;
      for (const auto& d : level)
        for (const auto& probe : Probes(d)) {
          if (probe.cmd.actor != mod) continue;
          ++moderator_probes_;
          auto r = Step(rules_, policy_, d, probe.cmd, probe.now);
          auto* out = std::get_if<Outcome>(&r);
          if (!out || out->deal == d) continue;
          ASSERT_FALSE(rules_.FindState(out->deal.state)->is_final)
              << "the moderator alone ended " << Key(start);
          next.push_back(out->deal);
        }
      level = std::move(next);
    }
  }

  static std::multiset<std::string> Payouts(const Effects& fx) {
    std::multiset<std::string> out;
    for (const auto& p : fx.payouts)
      out.insert(fmt::format("{}:{}:{}", p.payee, p.amount.minor(), p.reason));
    return out;
  }

  // The deal as it would be had every silent role sent the code that sets
  // the mark; nullopt when one of them could not.
  std::optional<Outcome> AsIfDone(const StateRule& s, const Deal& d,
                                  const std::vector<std::string>& silent,
                                  Time now) const {
    std::optional<Outcome> last;
    Deal deal = d;
    for (const auto& role : silent) {
      const TransitionRule* t = nullptr;
      for (const auto& r : rules_.transitions)
        if (r.mark == s.waits_mark &&
            std::count(r.from.begin(), r.from.end(), s.name))
          t = &r;
      if (!t) return std::nullopt;
      auto r = Step(rules_, policy_, deal, Cmd(t->code, role), now);
      auto* out = std::get_if<Outcome>(&r);
      if (!out) return std::nullopt;
      deal = out->deal;
      last = *out;
    }
    return last;
  }

  void CheckFair(const Deal& before, const Outcome& out, Time now) {
    const StateRule* s = rules_.FindState(before.state);
    std::vector<std::string> silent = Silent(*s, before);
    if (silent.empty() || out.deal.state == before.state) return;
    ++partial_timeouts_;
    if (!rules_.FindState(out.deal.state)->is_final) return;
    auto done = AsIfDone(*s, before, silent, now);
    if (done && done->deal.state == out.deal.state &&
        Payouts(done->effects) == Payouts(out.effects))
      return;
    unfair_.push_back(fmt::format(
        "{} -> {} with {} silent, although {} would have led to {}: {}",
        before.state, out.deal.state, fmt::join(silent, ", "), s->waits_mark,
        done ? done->deal.state : "nothing", Key(before)));
  }

  const CaseRules& rules_;
  int depth_;
  std::vector<std::string> unfair_;
  long partial_timeouts_ = 0;
  Policy policy_;
  std::unordered_set<std::string> seen_;
  std::set<std::string> states_;
  long transitions_ = 0;
  long refusals_ = 0;
  long moderator_probes_ = 0;
  std::set<std::string> unreachable_;
};

// An offer for any case: every role an address, every term an amount
// with odd cents, every text a word.
Offer AnyOffer(const CaseRules& rules) {
  Offer o;
  o.id = "CT-7K3QX9A2";
  for (const auto& role : rules.roles) o.emails[role] = role + "@example.test";
  const int64_t kAmounts[] = {2525, 499, 2001};
  for (size_t i = 0; i < rules.terms.size(); ++i)
    o.terms[rules.terms[i].name] = M(kAmounts[i % 3]);
  for (const auto& text : rules.texts) o.texts[text] = "x";
  return o;
}

TEST(ExhaustiveTest, EveryRulesFile) {
  const auto& book = ct::testing::ShippedRules();
  ASSERT_TRUE(book.cases.contains("sale"));
  ASSERT_TRUE(book.cases.contains("exchange"));
  for (const auto& [name, rules] : book.cases) {
    SCOPED_TRACE(rules.source);
    Explorer explorer(rules);
    explorer.Run(AnyOffer(rules));
    EXPECT_TRUE(explorer.unfair().empty())
        << explorer.unfair().size() << " unfair timeouts, e.g. "
        << explorer.unfair().front();
    if (name == "exchange") {
      EXPECT_GT(explorer.partial_timeouts(), 0)
          << "the fairness check never met a partly performed state";
    }
  }
}

// Every case with a moderator, explored with one named (its fee
// from the commission, then from the held funds) and a referrer; the sale
// also with a digital delivery. Same invariants, plus the moderator's.
TEST(ExhaustiveTest, ModeratedAndReferredVariants) {
  for (const auto& [name, rules] : ct::testing::ShippedRules().cases) {
    if (rules.moderation.role.empty()) continue;
    for (const std::string from : {"commission", "held"}) {
      for (const bool digital : {false, true}) {
        if (digital && !rules.delivery_texts.contains("digital")) continue;
        SCOPED_TRACE(
            fmt::format("{} fee_from={} digital={}", name, from, digital));
        Policy policy;
        policy.trust.moderator_fee_from = from;
        Offer offer = AnyOffer(rules);
        offer.moderator = "mod@example.test";
        offer.moderator_fee = {
            .is_percent = true, .basis_points = 500, .fixed = {}};
        offer.referrer = "ref@example.test";
        if (digital) {
          offer.delivery = "digital";
          offer.texts["sha256"] = std::string(64, 'a');
        }
        Explorer explorer(rules, kShallowDepth + 2, policy);
        if (digital)
          explorer.set_unreachable({"returning", "return_shipped", "refunded"});
        explorer.Run(offer);
        EXPECT_TRUE(explorer.unfair().empty()) << explorer.unfair().front();
        EXPECT_GT(explorer.moderator_probes(), 0)
            << "the moderator was never checked alone";
      }
    }
  }
}

// The checker objects to the rules as they were before partial timeouts: every
// deadline led to the same place whoever had acted.
TEST(ExhaustiveTest, CatchesTheOldUnfairTimeouts) {
  CaseRules old = ct::testing::Exchange();
  for (auto& s : old.states) s.partial_timeout_to = s.timeout_to;
  Explorer explorer(old, kShallowDepth);
  explorer.Run(AnyOffer(old));
  std::set<std::string> from;
  for (const auto& line : explorer.unfair())
    from.insert(line.substr(0, line.find(' ')));
  EXPECT_EQ(from, (std::set<std::string>{"funded", "returning"}))
      << "one shipped and one returned must both be caught";
}

}  // namespace
}  // namespace ct::core

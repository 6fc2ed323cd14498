#include "notify/message_context.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/engine.h"
#include "core/time.h"
#include "notify/phrasebook.h"
#include "notify/trust_context.h"
#include "util/text.h"

namespace ct::notify {
namespace {

using kainjow::mustache::list;
using kainjow::mustache::object;

std::string Lookup(const std::map<std::string, std::string>& m,
                   const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

// Short names for notify/message_input.h's, used all through this file.
std::string Fmt(const MessageInput& in, core::Money m) {
  return FormatAmount(in, m);
}
std::string Label(const MessageInput& in, const std::string& kind,
                  const std::string& name) {
  return LabelOf(in, kind, name);
}

std::string AmountOf(const MessageInput& in, const core::Deal& deal,
                     const std::string& key) {
  auto it = deal.amounts.find(key);
  return it == deal.amounts.end() ? std::string() : Fmt(in, it->second);
}

}  // namespace

std::string DefaultSummary(int code) {
  return code == core::code::kStatus ? "status: the full current state" : "";
}

namespace {

// "seller=X buyer=Y": placeholders the sender replaces with amounts.
std::string SplitPlaceholders(const core::CaseRules& rules) {
  std::string out;
  char placeholder = 'X';
  for (const auto& role : rules.roles) {
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", role, placeholder);
    placeholder = placeholder == 'Z' ? 'A' : static_cast<char>(placeholder + 1);
  }
  return out;
}

std::vector<std::string> LinesFor(const core::CaseRules& rules,
                                  const core::Deal& deal, int code) {
  const std::string head = fmt::format("{} {:02d}", deal.id, code);
  switch (code) {
    case core::code::kDeposit: {
      std::vector<std::string> lines;
      for (const auto& p : deal.parties) {
        if (p.Paid()) continue;
        lines.push_back(fmt::format("{} {} {} ref=…", head, p.role,
                                    (p.due - p.deposited).ToString()));
      }
      if (lines.empty()) lines.push_back(head + " ROLE AMOUNT ref=…");
      return lines;
    }
    case core::code::kPropose:
      return {head + " " + SplitPlaceholders(rules)};
    case core::code::kExtend:
      return {head + " N"};
    default:
      return {head};
  }
}

std::string Reason(const MessageInput& in) {
  // An English sentence, translated by "msg." labels (notify/phrasebook.h).
  if (in.reason_key.empty()) {
    return in.labels ? TranslateReason(*in.labels, in.reason) : in.reason;
  }
  std::string text = Label(in, "refusal", in.reason_key);
  if (text == in.reason_key) return in.reason;
  for (const auto& [name, value] : in.reason_args) {
    std::string word = value;
    if (name == "state") word = Label(in, "state", value);
    if (name == "case") word = Label(in, "case", value);
    if (name == "roles") {
      word.clear();
      std::string rest = value + ",";
      for (size_t at; (at = rest.find(',')) != std::string::npos;
           rest.erase(0, at + 1))
        word +=
            (word.empty() ? "" : " / ") + Label(in, "role", rest.substr(0, at));
    }
    for (size_t at; (at = text.find("{" + name + "}")) != std::string::npos;)
      text.replace(at, name.size() + 2, word);
  }
  return text;
}

Data PartiesList(const core::Deal& deal, const MessageInput& in) {
  Data parties{list{}};
  for (const auto& p : deal.parties) {
    const core::Money remaining =
        p.Paid() ? core::Money() : p.due - p.deposited;
    parties << Data(object{{"role", p.role},
                           {"role_label", Label(in, "role", p.role)},
                           {"email", p.email},
                           {"due", Fmt(in, p.due)},
                           {"deposited", Fmt(in, p.deposited)},
                           {"remaining", Fmt(in, remaining)},
                           {"paid", Data(p.Paid())}});
  }
  return parties;
}

// "has shipped" / "has not shipped yet" for a mark, in the reader's words
// ("progress.shipped", "progress.shipped.todo", each with a ".hand" form for
// hand delivery); the mark's name when the language has no word for it.
std::string ProgressWord(const MessageInput& in, const std::string& mark,
                         bool done) {
  const std::string key = "progress." + mark + (done ? "" : ".todo");
  if (in.labels) {
    const bool hand = in.deal && in.deal->delivery == "hand";
    for (const std::string& k : {hand ? key + ".hand" : key, key})
      if (auto it = in.labels->find(k); it != in.labels->end())
        return it->second;
  }
  return done ? mark : "not " + mark;
}

}  // namespace

Data ProgressList(const MessageInput& in, const core::StateProgress& p) {
  Data lines{list{}};
  for (const auto& party : p.parties)
    lines << Data(object{{"role", party.role},
                         {"role_label", Label(in, "role", party.role)},
                         {"done", Data(party.done)},
                         {"status", ProgressWord(in, p.mark, party.done)}});
  return lines;
}

namespace {

// Who did the step of the current state and who did not (only while it is
// partly done; deposits have their own lines), what a deadline passing now
// would do, and, for a deadline notice, who had done the step of the state
// that just ended.
void SetProgress(Data& ctx, const MessageInput& in) {
  core::StateProgress now, ended;
  std::string outcome;
  bool pending = false;
  if (in.deal && in.rules) {
    now = core::ProgressIn(*in.rules, *in.deal, in.deal->state);
    outcome = core::DeadlineOutcome(*in.rules, *in.deal);
    pending = core::PartialDefaultPending(*in.rules, *in.deal);
    if (in.command.code == core::code::kTimeout && !in.from_state.empty() &&
        in.from_state != in.deal->state)
      ended = core::ProgressIn(*in.rules, *in.deal, in.from_state);
  }
  const bool show_now = now.Partial() && now.mark != "paid";
  ctx.set("progress", show_now ? ProgressList(in, now) : Data(list{}));
  ctx.set("has_progress", Data(show_now));
  ctx.set("partial_default", Data(pending));
  ctx.set("deadline_outcome", outcome);
  ctx.set("deadline_outcome_label",
          outcome.empty() ? outcome : Label(in, "state", outcome));
  ctx.set("from_progress",
          ended.Partial() ? ProgressList(in, ended) : Data(list{}));
  ctx.set("has_from_progress", Data(ended.Partial()));
}

void SetProposal(Data& ctx, const core::Deal& deal, const MessageInput& in) {
  if (!deal.proposal) {
    ctx.set("proposal", Data(false));
    ctx.set("has_proposal", Data(false));
    return;
  }
  Data lines{list{}};
  for (const auto& [role, amount] : deal.proposal->split) {
    lines << Data(object{{"role", role},
                         {"role_label", Label(in, "role", role)},
                         {"amount", Fmt(in, amount)}});
  }
  ctx.set("proposal",
          Data(object{{"by", deal.proposal->by}, {"lines", lines}}));
  ctx.set("has_proposal", Data(true));
}

}  // namespace

void SetPayouts(Data& ctx, const MessageInput& in) {
  const std::vector<PayoutLine>& payouts = in.payouts;
  // Accounts are the operator's to see: a party's mail never shows
  // another party's IBAN.
  const bool op = in.recipient_role == core::kOperatorRole;
  Data lines{list{}};
  for (const auto& p : payouts) {
    const bool to_operator = p.payee == core::kOperatorRole;
    lines << Data(
        object{{"payee", p.payee},
               {"payee_label", Label(in, "role", p.payee)},
               {"email", p.email},
               {"amount", Fmt(in, p.amount)},
               {"reason", p.reason},
               {"reason_label", Label(in, "reason", p.reason)},
               {"to_operator", Data(to_operator)},
               {"has_account", Data(op && !p.iban.empty())},
               {"no_account", Data(op && !to_operator && p.iban.empty())},
               {"account_iban", op ? p.iban : ""},
               {"account_bic", op ? p.bic : ""},
               {"has_account_bic", Data(op && !p.bic.empty())},
               {"account_holder", op ? p.holder : ""},
               {"has_account_holder", Data(op && !p.holder.empty())}});
  }
  ctx.set("payouts", lines);
  ctx.set("has_payouts", Data(!payouts.empty()));
}

namespace {

// Where to pay, for a party asked to pay; where it is paid, in the
// replies about its own payout account.
void SetMoney(Data& ctx, const MessageInput& in) {
  const bool asks = AsksPayment(in);
  const PayTo& p = in.pay_to;
  ctx.set("asks_payment", Data(asks));
  ctx.set("has_pay_to", Data(asks && !p.iban.empty()));
  ctx.set("pay_to_iban", p.iban);
  ctx.set("pay_to_bic", p.bic);
  ctx.set("has_pay_to_bic", Data(!p.bic.empty()));
  ctx.set("pay_to_name", p.name);
  ctx.set("has_deposit_instructions", Data(asks && !p.instructions.empty()));
  ctx.set("deposit_instructions", p.instructions);
  ctx.set("has_epc_qr", Data(asks && p.qr));
  const AccountNotice& a = in.account;
  ctx.set("account", a.masked);
  ctx.set("account_old", a.old_masked);
  ctx.set("has_account_old", Data(!a.old_masked.empty()));
  ctx.set("account_holder", a.holder);
  ctx.set("has_account_holder", Data(!a.holder.empty()));
  ctx.set("account_bic", a.bic);
  ctx.set("has_account_bic", Data(!a.bic.empty()));
  ctx.set("account_key", a.key);
  ctx.set("account_effective", a.effective);
  ctx.set("account_change_hours", std::to_string(a.change_hours));
  ctx.set("operator_email", a.operator_email);
}

void SetRecipientAmounts(Data& ctx, const core::Deal& deal,
                         const MessageInput& in) {
  const core::PartyState* me = deal.Party(in.recipient_role);
  const auto money = [&](core::Money m) {
    return me ? Fmt(in, m) : std::string();
  };
  const core::Money remaining =
      me && !me->Paid() ? me->due - me->deposited : core::Money();
  ctx.set("my_due", money(me ? me->due : core::Money()));
  ctx.set("my_deposited", money(me ? me->deposited : core::Money()));
  ctx.set("my_remaining", money(remaining));
  ctx.set("my_commission", money(me ? me->commission : core::Money()));
  ctx.set("payment_reference",
          me ? PaymentReference(deal, in.recipient_role) : std::string());
}

void SetNextSteps(Data& ctx, const MessageInput& in) {
  Data steps{list{}};
  size_t count = 0;
  if (in.deal && in.rules && !in.recipient_role.empty()) {
    for (const auto& step : NextSteps(*in.rules, *in.deal, in.recipient_role)) {
      // "CT-XXXXXXXX 61 ..." -> the code, to find the summary in the
      // reader's language ("step.sale.61", else "step.61", else the rules').
      std::string code =
          step.line.substr(std::min(step.line.size(), in.deal->id.size() + 1));
      code = code.substr(0, code.find(' '));
      std::string summary = Label(in, "step", in.deal->case_name + "." + code);
      if (summary == in.deal->case_name + "." + code)
        summary = Label(in, "step", code);
      if (summary == code) summary = step.summary;
      steps << Data(object{{"line", step.line}, {"summary", summary}});
      ++count;
    }
  }
  ctx.set("next_steps", steps);
  ctx.set("has_next_steps", Data(count > 0));
}

void SetCommand(Data& ctx, const MessageInput& in) {
  const core::Command& cmd = in.command;
  ctx.set("actor", cmd.actor);
  ctx.set("is_actor", Data(in.to_actor));
  ctx.set("text", cmd.text);
  ctx.set("has_text", Data(!cmd.text.empty()));
  ctx.set("extend_days", cmd.days > 0 ? std::to_string(cmd.days) : "");
  ctx.set("reason", Reason(in));
  ctx.set("deposit_role", cmd.deposit_role);
  ctx.set("deposit_amount",
          cmd.deposit_role.empty() ? std::string() : Fmt(in, cmd.amount));
  // Mustache treats "" as true: an absent reference must be false.
  if (cmd.reference.empty())
    ctx.set("deposit_ref", Data(false));
  else
    ctx.set("deposit_ref", cmd.reference);
}

void SetDeal(Data& ctx, const MessageInput& in) {
  static const core::Deal kNoDeal;
  const core::Deal& deal = in.deal ? *in.deal : kNoDeal;
  ctx.set("id", deal.id);
  ctx.set("has_deal", Data(in.deal != nullptr));
  ctx.set("case", deal.case_name);
  ctx.set("is_sale", Data(deal.case_name == "sale"));
  ctx.set("is_exchange", Data(deal.case_name == "exchange"));
  ctx.set("hand_delivery", Data(in.deal && deal.delivery == "hand"));
  for (const char* key : {"item", "give", "take"}) {
    ctx.set(key, Lookup(deal.texts, key));
  }
  for (const char* key : {"price", "shipping", "value"}) {
    ctx.set(key, AmountOf(in, deal, key));
  }
  ctx.set("state", deal.state);
  ctx.set("state_label", Label(in, "state", deal.state));
  ctx.set("held", in.deal ? Fmt(in, deal.Held()) : std::string());
  ctx.set("has_deadline", Data(deal.deadline.has_value()));
  ctx.set("deadline",
          deal.deadline ? core::FormatHumanTime(*deal.deadline) : "");
  const std::string from = in.from_state.empty() ? deal.state : in.from_state;
  ctx.set("from_state", from);
  ctx.set("from_state_label", Label(in, "state", from));
  const std::string to = in.to_state.empty() ? deal.state : in.to_state;
  ctx.set("to_state", to);
  ctx.set("to_state_label", Label(in, "state", to));
  ctx.set("parties", PartiesList(deal, in));
  SetProposal(ctx, deal, in);
  SetRecipientAmounts(ctx, deal, in);
}

}  // namespace

std::string PaymentReference(const core::Deal& deal, const std::string& role) {
  return deal.id + "-" + util::AsciiUpper(role);
}

bool AsksPayment(const MessageInput& in) {
  if (!in.deal || !in.rules || in.deal->funded) return false;
  const core::PartyState* me = in.deal->Party(in.recipient_role);
  const core::StateRule* state = in.rules->FindState(in.deal->state);
  return me && !me->Paid() && state && !state->is_final &&
         state->waits_mark == "paid";
}

std::vector<NextStep> NextSteps(const core::CaseRules& rules,
                                const core::Deal& deal,
                                const std::string& role) {
  std::vector<int> codes = core::AllowedCodes(rules, deal, role);
  if (std::find(codes.begin(), codes.end(), core::code::kStatus) ==
      codes.end()) {
    codes.insert(codes.begin(), core::code::kStatus);
  }
  std::vector<NextStep> steps;
  for (int code : codes) {
    if (code >= core::code::kResolve) continue;  // internal, never typed
    const core::TransitionRule* rule =
        core::FindTransition(rules, deal, code, role);
    const std::string summary =
        rule && !rule->summary.empty() ? rule->summary : DefaultSummary(code);
    for (auto& line : LinesFor(rules, deal, code)) {
      steps.push_back({std::move(line), summary});
    }
  }
  return steps;
}

Data BuildContext(const MessageInput& in) {
  Data ctx{object{}};
  SetListingContext(ctx, in);
  SetDeal(ctx, in);
  ctx.set("currency", in.currency);
  ctx.set("role", in.recipient_role);
  ctx.set("role_label", Label(in, "role", in.recipient_role));
  ctx.set("is_operator", Data(in.recipient_role == core::kOperatorRole));
  // is_seller / is_buyer / is_a / is_b: lets a template address one role.
  for (const char* role : {"seller", "buyer", "a", "b"})
    ctx.set(std::string("is_") + role, Data(in.recipient_role == role));
  ctx.set("recipient", in.recipient_email);
  SetCommand(ctx, in);
  SetNextSteps(ctx, in);
  SetProgress(ctx, in);
  SetPayouts(ctx, in);
  SetMoney(ctx, in);
  SetTrust(ctx, in);
  return ctx;
}

}  // namespace ct::notify

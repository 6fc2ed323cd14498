#include "golden_script.h"

#include <gtest/gtest.h>

#include <variant>

#include "core/trust_terms.h"
#include "notify/message_context.h"

namespace ct::golden {

Money M(int64_t minor) { return Money::FromMinor(minor); }

core::Time At(int hours) {
  auto t0 = core::ParseIsoTime(kT0);
  EXPECT_TRUE(t0);
  return *t0 + std::chrono::hours(hours);
}

void Script::Offer(const core::Offer& offer_in, int hours) {
  core::Offer offer = offer_in;
  offer.id = kId;
  offer.lang = lang_;
  auto deal = core::NewDeal(rules_, policy_, offer, At(hours));
  ASSERT_TRUE(deal) << deal.error().message;
  deal_ = *deal;
  core::Outcome outcome{deal_, {}};
  outcome.effects.from_state = outcome.effects.to_state = deal_.state;
  for (const auto& p : deal_.parties)
    outcome.effects.notifications.push_back(
        {p.role, {"offer"}, p.role == rules_.initiator});
  core::Command cmd;
  cmd.code = core::code::kOffer;
  cmd.actor = rules_.initiator;
  Emit("10-offer", outcome, cmd);
}

void Script::Do(const std::string& step, core::Command cmd, int hours) {
  auto result = core::Step(rules_, policy_, deal_, cmd, At(hours));
  if (auto* refusal = std::get_if<core::Refusal>(&result)) {
    ADD_FAILURE() << name_ << " " << step << ": refused: " << refusal->reason;
    return;
  }
  const auto& outcome = std::get<core::Outcome>(result);
  Emit(step, outcome, cmd);
  deal_ = outcome.deal;
}

void Script::Timer(const std::string& step, int hours, int expected_code) {
  auto cmd = core::DueTimer(policy_, deal_, At(hours));
  ASSERT_TRUE(cmd) << name_ << " " << step << ": nothing due";
  ASSERT_EQ(cmd->code, expected_code) << name_ << " " << step;
  Do(step, *cmd, hours);
}

void Script::Refused(const std::string& step, core::Command cmd, int hours) {
  auto result = core::Step(rules_, policy_, deal_, cmd, At(hours));
  auto* refusal = std::get_if<core::Refusal>(&result);
  ASSERT_NE(refusal, nullptr) << name_ << " " << step << ": accepted";
  notify::MessageInput in;
  in.deal = &deal_;
  in.rules = &rules_;
  in.recipient_role = cmd.actor;
  in.recipient_email = Address(cmd.actor);
  in.to_actor = true;
  in.command = cmd;
  in.reason = refusal->reason;
  in.reason_key = refusal->key;  // as app/outbound/replies.cpp passes it on
  in.reason_args = refusal->args;
  Append(step, cmd.actor, in, {"refusal"});
}

std::string Script::Address(const std::string& role) const {
  if (role == core::kOperatorRole) return kOperator;
  const core::PartyState* p = deal_.Party(role);
  return p ? p->email : "";
}

std::string Script::Email(const core::Deal& deal,
                          const std::string& role) const {
  if (role == core::kOperatorRole) return kOperator;
  if (const core::PartyState* p = deal.Party(role)) return p->email;
  if (role == core::kReferrerPayee) return core::ReferrerOf(deal);
  return rules_.IsModeratorRole(role) ? core::ModeratorOf(deal) : "";
}

void Script::Emit(const std::string& step, const core::Outcome& outcome,
                  const core::Command& cmd) {
  const core::Deal& deal = outcome.deal;
  notify::MessageInput in;
  in.deal = &deal;
  in.rules = &rules_;
  in.command = cmd;
  in.from_state = outcome.effects.from_state;
  in.to_state = outcome.effects.to_state;
  for (const auto& order : outcome.effects.payouts) {
    const std::string email = Email(deal, order.payee);
    // As app/outbound/mail_queue.cpp finds them: alice registered her account, bob
    // did not.
    const bool alice = email == "alice@example.test";
    in.payouts.push_back({order.payee, email, order.amount, order.reason,
                          alice ? "DE89 3704 0044 0532 0130 00" : "",
                          alice ? "COBADEFFXXX" : "",
                          alice ? "Alice Martin" : ""});
  }
  // [money] pay_to_* and deposit_instructions as app/outbound/mail_queue.cpp passes
  // them.
  in.pay_to = {"FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP",
               "CyberTroc Escrow", "Cash: at the office, 3 rue de la Paix.",
               false};
  EXPECT_FALSE(outcome.effects.notifications.empty())
      << name_ << " " << step << ": no message";
  for (const auto& note : outcome.effects.notifications) {
    in.recipient_role = note.to;
    in.recipient_email = Email(deal, note.to);
    in.to_actor = note.to_actor;
    // The EPC QR code goes with what asks for money (app/outbound/mail_queue.cpp).
    in.pay_to.qr = false;
    for (const auto& t : note.templates)
      in.pay_to.qr |= (t == "deposit_request" || t == "deposit_received" ||
                       t == "reminder") &&
                      notify::AsksPayment(in);
    Append(step, note.to, in, note.templates);
  }
}

void Script::Append(const std::string& step, const std::string& to,
                    const notify::MessageInput& in,
                    const std::vector<std::string>& templates) {
  if (quiet_) return;
  auto msg = renderer_.Render(templates, lang_, in);
  ASSERT_TRUE(msg) << msg.error().message;
  std::string names;
  for (const auto& t : templates) {
    names += (names.empty() ? "" : ", ") + t;
    used_.insert(t);
  }
  std::string& file = files_[name_ + "-" + step];
  if (!file.empty()) file += "\n";
  file += "=== to " + to + " <" + in.recipient_email + ">" +
          (in.to_actor ? " (confirmation)" : "") + " [" + names + "]\n";
  file += "Subject: " + msg->subject + "\n\n" + msg->body;
}

core::Command Cmd(int code, const std::string& actor, const std::string& text) {
  core::Command c;
  c.code = code;
  c.actor = actor;
  c.text = text;
  return c;
}

core::Command Deposit(const std::string& role, int64_t minor,
                      const std::string& ref) {
  core::Command c = Cmd(core::code::kDeposit, core::kOperatorRole);
  c.deposit_role = role;
  c.amount = M(minor);
  c.reference = ref;
  return c;
}

core::Command Split(int code, const std::string& actor,
                    std::map<std::string, Money> split) {
  core::Command c = Cmd(code, actor);
  c.split = std::move(split);
  return c;
}

core::Command Extend(const std::string& actor, int days) {
  core::Command c = Cmd(core::code::kExtend, actor);
  c.days = days;
  return c;
}

core::Offer SaleOffer(const std::string& delivery) {
  core::Offer o;
  o.emails = {{"seller", "alice@example.test"}, {"buyer", "bob@example.test"}};
  o.terms = {{"price", M(2500)}, {"shipping", M(500)}};
  o.texts = {{"item", "Kind of Blue, CD, mint"}};
  o.delivery = delivery;
  return o;
}

core::Offer ExchangeOffer(const std::string& delivery) {
  core::Offer o;
  o.emails = {{"a", "alice@example.test"}, {"b", "bob@example.test"}};
  o.terms = {{"value", M(2000)}};
  o.texts = {{"give", "Kind of Blue (CD)"}, {"take", "A Love Supreme (CD)"}};
  o.delivery = delivery;
  return o;
}

}  // namespace ct::golden

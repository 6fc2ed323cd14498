// The sample context CheckTemplates renders every template with: a sale
// or an exchange where every section and every list is filled, so that an
// unknown key or a broken section shows before a party ever sees it.
#include "notify/sample_context.h"

#include "notify/listing_context.h"
#include "notify/message_context.h"
#include "notify/trust_context.h"

namespace ct::notify {

using kainjow::mustache::list;
using kainjow::mustache::object;

namespace {

core::Deal SampleDeal(bool exchange) {
  using core::Money;
  core::Deal deal;
  deal.id = "CT-7K3QX9A2";
  deal.case_name = exchange ? "exchange" : "sale";
  deal.state = "funded";
  deal.lang = "en";
  const std::string first = exchange ? "a" : "seller";
  const std::string second = exchange ? "b" : "buyer";
  if (exchange) {
    deal.texts = {{"give", "Kind of Blue (CD)"},
                  {"take", "A Love Supreme (CD)"}};
    deal.amounts = {{"value", Money::FromMinor(2000)}};
  } else {
    deal.texts = {{"item", "Kind of Blue, CD, mint"}};
    deal.amounts = {{"price", Money::FromMinor(2500)},
                    {"shipping", Money::FromMinor(500)}};
  }
  core::PartyState a{.role = first,
                     .email = "alice@example.org",
                     .due = Money::FromMinor(3025),
                     .commission = Money::FromMinor(25),
                     .deposited = Money::FromMinor(3025),
                     .marks = {"shipped"},
                     .extend_days = 0};
  core::PartyState b{.role = second,
                     .email = "bob@example.org",
                     .due = Money::FromMinor(6025),
                     .commission = Money::FromMinor(25),
                     .deposited = Money::FromMinor(2000),
                     .marks = {},
                     .extend_days = 14};
  deal.parties = {a, b};
  deal.paid_in = Money::FromMinor(5025);
  deal.deadline = core::Time(std::chrono::seconds(1801742400));
  deal.proposal = core::Proposal{.by = first,
                                 .split = {{first, Money::FromMinor(3000)},
                                           {second, Money::FromMinor(6000)}}};
  return deal;
}

}  // namespace

Data SampleContext(bool exchange) {
  const core::Deal deal = SampleDeal(exchange);
  MessageInput in;
  in.deal = &deal;
  in.recipient_role = deal.parties[1].role;
  in.recipient_email = deal.parties[1].email;
  in.to_actor = true;
  in.command.code = core::code::kShipped;
  in.command.actor = deal.parties[0].role;
  in.command.text = "Colissimo 6A12345678901";
  in.command.deposit_role = deal.parties[1].role;
  in.command.amount = core::Money::FromMinor(2000);
  in.command.reference = "VIR-2026-118";
  in.command.days = 14;
  in.from_state = "awaiting_deposits";
  in.reason = "code 61 is not allowed in state funded";
  in.payouts = {{deal.parties[0].role, deal.parties[0].email,
                 core::Money::FromMinor(3000), "bond_refund",
                 "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP", "Alice"},
                {"operator", "operator@example.org",
                 core::Money::FromMinor(250), "franchise", "", "", ""}};
  in.pay_to = {"FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP", "CyberTroc",
               "Cash at the office.", true};
  in.account = {"FR76 **** **** 0189",
                "DE89 **** **** 3000",
                "Bob",
                "AGRIFRPP",
                "0123456789ABCDEF0123456789ABCDEF01234567",
                "2027-02-02 12:00 UTC",
                48,
                "operator@example.org"};
  Data ctx = BuildContext(in);
  // Every money section shown, so that `check` sees its keys: the payout
  // accounts as the operator sees them, the operator's account as a party
  // asked to pay does.
  MessageInput to_operator = in;
  to_operator.recipient_role = core::kOperatorRole;
  SetPayouts(ctx, to_operator);
  ctx.set("asks_payment", Data(true));
  ctx.set("has_pay_to", Data(true));
  ctx.set("has_deposit_instructions", Data(true));
  ctx.set("has_epc_qr", Data(true));
  Data steps{list{}};
  steps << Data(
      object{{"line", deal.id + " 61"}, {"summary", "received, satisfied"}});
  steps << Data(object{{"line", deal.id + " 00"},
                       {"summary", DefaultSummary(core::code::kStatus)}});
  ctx.set("next_steps", steps);
  ctx.set("has_next_steps", Data(true));
  // Every progress list non-empty too, so that `check` sees their keys.
  core::StateProgress progress{
      "funded",
      "shipped",
      {{deal.parties[0].role, true}, {deal.parties[1].role, false}}};
  ctx.set("progress", ProgressList(in, progress));
  ctx.set("has_progress", Data(true));
  ctx.set("partial_default", Data(true));
  ctx.set("deadline_outcome", "disputed");
  ctx.set("deadline_outcome_label", "disputed");
  ctx.set("from_progress", ProgressList(in, progress));
  ctx.set("has_from_progress", Data(true));
  SetSampleTrust(ctx);  // every trust section shown too
  SetSampleListingContext(ctx, in);
  return ctx;
}

}  // namespace ct::notify

// The deals of the golden texts: each script walks one fixed deal through
// the engine (core::Step) and renders the messages of each step.
#include <string>

#include "golden_fixture.h"

namespace ct::golden {

void GoldenTest::SetUp() {
  auto book = rules::LoadDir(kSource + "/rules");
  ASSERT_TRUE(book) << book.error().message;
  book_ = std::move(*book);
}

Script GoldenTest::New(const std::string& case_name, const std::string& name) {
  auto rules = book_.Find(case_name);
  EXPECT_TRUE(rules);
  return Script(**rules, renderer_, GetParam(), name, files_, used_);
}

void GoldenTest::FundedSale(Script& s, bool record) {
  s.Quiet(!record);
  s.Offer(SaleOffer(), 0);
  s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
  s.Do("21-deposit-seller", Deposit("seller", 3025, "VIR-2027-001"), 2);
  s.Do("21-deposit-buyer-funded", Deposit("buyer", 6025, ""), 3);
  s.Quiet(false);
}

void GoldenTest::Sales() {
  {
    Script s = New("sale", "sale-completed");
    FundedSale(s, true);
    s.Do("92-extension-requested", Extend("seller", 3), 4);
    s.Do("92-deadline-extended", Extend("buyer", 3), 5);
    s.Do("40-shipped",
         Cmd(core::code::kShipped, "seller", "Colissimo 6A12345678901"), 6);
    // delivery_days 30 from T0+6h: the 7-day reminder at day 23.
    s.Timer("reminder", 6 + 23 * 24 + 1, core::code::kReminder);
    s.Do("00-status", Cmd(core::code::kStatus, "buyer"), 6 + 23 * 24 + 2);
    s.Refused("refused-40-by-buyer", Cmd(core::code::kShipped, "buyer"),
              6 + 23 * 24 + 3);
    s.Do("61-completed", Cmd(core::code::kSatisfied, "buyer"), 6 + 23 * 24 + 4);
  }
  {
    Script s = New("sale", "sale-refunded");
    FundedSale(s, false);
    s.Quiet(true);
    s.Do("40-shipped", Cmd(core::code::kShipped, "seller"), 4);
    s.Quiet(false);
    s.Do("62-return-requested",
         Cmd(core::code::kNotSatisfied, "buyer", "rayé, saute à la piste 2"),
         5);
    s.Do("81-return-shipped",
         Cmd(core::code::kReturnShipped, "buyer", "La Poste 8R00112233"), 6);
    s.Do("101-refunded", Cmd(core::code::kReturnAccepted, "seller"), 7);
  }
  {
    Script s = New("sale", "sale-return-rejected");
    FundedSale(s, false);
    s.Quiet(true);
    s.Do("40-shipped", Cmd(core::code::kShipped, "seller"), 4);
    s.Do("62-return-requested", Cmd(core::code::kNotSatisfied, "buyer"), 5);
    s.Do("81-return-shipped", Cmd(core::code::kReturnShipped, "buyer"), 6);
    s.Quiet(false);
    s.Do("102-disputed",
         Cmd(core::code::kReturnRejected, "seller", "pochette déchirée"), 7);
  }
  {
    Script s = New("sale", "sale-settled");
    FundedSale(s, false);
    s.Quiet(true);
    s.Do("40-shipped", Cmd(core::code::kShipped, "seller"), 4);
    s.Quiet(false);
    s.Do("63-disputed", Cmd(core::code::kNotReceived, "buyer"), 5);
    s.Do("90-proposal",
         Split(core::code::kPropose, "seller",
               {{"seller", M(3000)}, {"buyer", M(6000)}}),
         6);
    s.Do("91-settled", Cmd(core::code::kAcceptProposal, "buyer"), 7);
  }
  {
    Script s = New("sale", "sale-expired");
    FundedSale(s, false);
    s.Quiet(true);
    s.Do("40-shipped", Cmd(core::code::kShipped, "seller"), 4);
    s.Do("63-disputed", Cmd(core::code::kNotReceived, "buyer"), 5);
    s.Quiet(false);
    s.Do("90-proposal",
         Split(core::code::kPropose, "buyer",
               {{"seller", M(2000)}, {"buyer", M(7000)}}),
         6);
    // dispute_max_days 366 from T0+5h.
    s.Timer("timeout-expired", 5 + 366 * 24, core::code::kTimeout);
    s.Timer("timeout-expired-alert", 5 + 373 * 24, core::code::kTimeout);
    s.Do("resolve-settled",
         Split(core::code::kResolve, core::kOperatorRole,
               {{"seller", M(4500)}, {"buyer", M(4500)}}),
         5 + 374 * 24);
  }
  {
    Script s = New("sale", "sale-declined");
    s.Quiet(true);
    s.Offer(SaleOffer(), 0);
    s.Quiet(false);
    s.Do("12-declined", Cmd(core::code::kDecline, "buyer"), 1);
  }
  {
    Script s = New("sale", "sale-withdrawn");
    s.Quiet(true);
    s.Offer(SaleOffer(), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
    s.Do("21-deposit-seller", Deposit("seller", 3025, ""), 2);
    s.Quiet(false);
    s.Do("13-withdrawn", Cmd(core::code::kWithdraw, "buyer"), 3);
  }
  {
    // The buyer has not paid; the reminder says where to pay.
    Script s = New("sale", "sale-unpaid");
    s.Quiet(true);
    s.Offer(SaleOffer(), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
    s.Do("21-deposit-seller", Deposit("seller", 3025, ""), 2);
    s.Quiet(false);
    // deposit_days 7 from T0+1h: the 1-day reminder, to the buyer only.
    s.Timer("reminder", 1 + 6 * 24 + 1, core::code::kReminder);
  }
  {
    Script s = New("sale", "sale-not-shipped");
    FundedSale(s, false);
    // ship_days 7 from T0+3h.
    s.Timer("timeout-cancelled", 3 + 7 * 24, core::code::kTimeout);
  }
  {
    Script s = New("sale", "sale-hand");
    s.Quiet(true);
    s.Offer(SaleOffer("hand"), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
    s.Do("21-deposit-seller", Deposit("seller", 3025, ""), 2);
    s.Quiet(false);
    s.Do("21-deposit-buyer-funded", Deposit("buyer", 6025, ""), 3);
    s.Do("40-handed-over", Cmd(core::code::kShipped, "seller"), 4);
    s.Do("62-return-requested", Cmd(core::code::kNotSatisfied, "buyer"), 5);
    s.Do("81-handed-back", Cmd(core::code::kReturnShipped, "buyer"), 6);
  }
}

void GoldenTest::Trust() {
  Script s = New("sale", "sale-moderated-digital");
  core::Offer offer = SaleOffer("digital");
  offer.texts["sha256"] = std::string(64, 'e');
  offer.moderator = "carol@example.test";
  offer.moderator_fee = {.is_percent = true, .basis_points = 500, .fixed = {}};
  offer.referrer = "dave@example.test";
  s.Offer(offer, 0);
  s.Quiet(true);
  s.Do("11-accepted", Cmd(core::code::kAccept, "buyer"), 1);
  s.Do("21-deposit-seller", Deposit("seller", 3025, ""), 2);
  s.Do("21-deposit-buyer-funded", Deposit("buyer", 6025, ""), 3);
  s.Quiet(false);
  s.Do("40-shipped",
       Cmd(core::code::kShipped, "seller",
           "https://files.example.test/kind-of-blue.flac"),
       4);
  s.Do("62-digital-rejected",
       Cmd(core::code::kNotSatisfied, "buyer", "the file is truncated"), 5);
  s.Do("90-proposal",
       Split(core::code::kPropose, "moderator",
             {{"seller", M(4000)}, {"buyer", M(5000)}}),
       6);
  s.Do("91-settled", Cmd(core::code::kAcceptProposal, "buyer"), 7);
}

void GoldenTest::Exchanges() {
  {
    Script s = New("exchange", "exchange-completed");
    s.Offer(ExchangeOffer("post"), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
    s.Do("21-deposit-a", Deposit("a", 2020, "VIR-2027-003"), 2);
    s.Do("21-deposit-b-funded", Deposit("b", 2020, "VIR-2027-004"), 3);
    s.Do("40-shipped-a", Cmd(core::code::kShipped, "a", "Mondial Relay 42"), 4);
    s.Do("40-shipped-b-in-transit", Cmd(core::code::kShipped, "b"), 5);
    s.Do("61-satisfied-a", Cmd(core::code::kSatisfied, "a"), 6);
    s.Do("61-satisfied-b-completed", Cmd(core::code::kSatisfied, "b"), 7);
  }
  {
    Script s = New("exchange", "exchange-refunded");
    s.Offer(ExchangeOffer("hand"), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
    s.Do("21-deposit-a", Deposit("a", 2020, ""), 2);
    s.Do("21-deposit-b-funded", Deposit("b", 2020, ""), 3);
    s.Do("40-handed-over-a", Cmd(core::code::kShipped, "a"), 4);
    s.Do("40-handed-over-b-in-transit", Cmd(core::code::kShipped, "b"), 5);
    s.Do("62-return-requested",
         Cmd(core::code::kNotSatisfied, "b", "pas la bonne édition"), 6);
    s.Do("81-handed-back-a", Cmd(core::code::kReturnShipped, "a"), 7);
    s.Do("81-handed-back-b", Cmd(core::code::kReturnShipped, "b"), 8);
    s.Do("101-return-accepted-a", Cmd(core::code::kReturnAccepted, "a"), 9);
    s.Do("101-refunded", Cmd(core::code::kReturnAccepted, "b"), 10);
  }
  {
    Script s = New("exchange", "exchange-settled");
    s.Quiet(true);
    s.Offer(ExchangeOffer("post"), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
    s.Do("21-deposit-a", Deposit("a", 2020, ""), 2);
    s.Do("21-deposit-b-funded", Deposit("b", 2020, ""), 3);
    s.Do("40-shipped-a", Cmd(core::code::kShipped, "a"), 4);
    s.Do("40-shipped-b", Cmd(core::code::kShipped, "b"), 5);
    s.Quiet(false);
    s.Do("63-disputed", Cmd(core::code::kNotReceived, "a"), 6);
    s.Do("90-proposal",
         Split(core::code::kPropose, "b", {{"a", M(2500)}, {"b", M(1500)}}), 7);
    s.Do("91-settled", Cmd(core::code::kAcceptProposal, "a"), 8);
  }
  {
    // b ships, a never does; the ship deadline sends the deal
    // to dispute, and everybody is told who shipped and who did not.
    Script s = New("exchange", "exchange-one-shipped");
    s.Quiet(true);
    s.Offer(ExchangeOffer("post"), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
    s.Do("21-deposit-a", Deposit("a", 2020, ""), 2);
    s.Do("21-deposit-b-funded", Deposit("b", 2020, ""), 3);
    s.Quiet(false);
    s.Do("40-shipped-b",
         Cmd(core::code::kShipped, "b", "Colissimo 6A12345678901"), 4);
    s.Do("00-status", Cmd(core::code::kStatus, "b"), 5);
    // ship_days 7 from T0+3h: the 1-day reminder, to a only.
    s.Timer("reminder", 3 + 6 * 24 + 1, core::code::kReminder);
    s.Timer("timeout-disputed", 3 + 7 * 24, core::code::kTimeout);
  }
  {
    // Both parcels must go back; a sends hers, b keeps his.
    Script s = New("exchange", "exchange-one-returned");
    s.Quiet(true);
    s.Offer(ExchangeOffer("hand"), 0);
    s.Do("11-accepted", Cmd(core::code::kAccept, "b"), 1);
    s.Do("21-deposit-a", Deposit("a", 2020, ""), 2);
    s.Do("21-deposit-b-funded", Deposit("b", 2020, ""), 3);
    s.Do("40-handed-over-a", Cmd(core::code::kShipped, "a"), 4);
    s.Do("40-handed-over-b", Cmd(core::code::kShipped, "b"), 5);
    s.Do("62-return-requested", Cmd(core::code::kNotSatisfied, "a"), 6);
    s.Quiet(false);
    s.Do("81-handed-back-a", Cmd(core::code::kReturnShipped, "a"), 7);
    // return_ship_days 14 from T0+6h: the 7-day reminder, to b only.
    s.Timer("reminder", 6 + 7 * 24 + 1, core::code::kReminder);
    s.Timer("timeout-disputed", 6 + 14 * 24, core::code::kTimeout);
  }
}

}  // namespace ct::golden

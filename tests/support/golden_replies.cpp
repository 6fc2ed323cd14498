// The golden texts of mail that is not an engine step: replies rendered as
// app/outbound/replies.cpp, app/outbound/sender.cpp, app/accounts/accounts.cpp and app/inbound/process.cpp do,
// and listing mail.
#include <string>

#include "core/listing.h"
#include "core/reputation.h"
#include "golden_fixture.h"
#include "notify/listing_context.h"

namespace ct::golden {

void GoldenTest::Replies() {
  const std::string lang = GetParam();
  auto one = [&](const std::string& name, const std::string& tmpl,
                 notify::MessageInput in) {
    auto msg = renderer_.Render({tmpl}, lang, in);
    ASSERT_TRUE(msg) << msg.error().message;
    used_.insert(tmpl);
    files_[name] = "=== to " + in.recipient_role + " <" + in.recipient_email +
                   "> [" + tmpl + "]\nSubject: " + msg->subject + "\n\n" +
                   msg->body;
  };
  notify::MessageInput help;
  help.recipient_email = "carol@example.test";
  help.to_actor = true;
  one("reply-help", "help", help);
  notify::MessageInput unsigned_mail;
  unsigned_mail.recipient_email = "bob@example.test";
  unsigned_mail.to_actor = true;
  unsigned_mail.reason = "the message is not signed";  // as verify says
  one("reply-unsigned", "unsigned", unsigned_mail);
  // app/outbound/sender.cpp TellOperator: about no deal, the reason says it all.
  notify::MessageInput failed;
  failed.recipient_role = core::kOperatorRole;
  failed.recipient_email = kOperator;
  failed.reason =
      "to bob@example.test (\"[CT-7K3QX9A2] Deal funded\"), queued "
      "2027-01-31 12:00 UTC, 9 attempts; last error: smtp://127.0.0.1:25: "
      "connection refused";
  one("reply-delivery-failed", "delivery_failed", failed);
  // app/inbound/isolation.cpp GiveUp: a message quarantined for failing, to its
  // bound sender and to the operator.
  notify::MessageInput not_applied;
  not_applied.recipient_email = "bob@example.test";
  not_applied.to_actor = true;
  not_applied.reason = "<m1@example.test>, 2027-01-31 12:00 UTC";
  one("reply-not-applied", "not_applied", not_applied);
  notify::MessageInput quarantined;
  quarantined.recipient_role = core::kOperatorRole;
  quarantined.recipient_email = kOperator;
  quarantined.reason =
      "message <m1@example.test> from bob@example.test, received 2027-01-31 "
      "12:00 UTC: processing failed 3 times: it stopped the process that "
      "handled it alone (signal 9: Killed)";
  one("reply-processing-failed", "processing_failed", quarantined);
  // app/accounts/accounts.cpp: the answers to "CT 03" and the notice of a change.
  notify::MessageInput account;
  account.recipient_email = "bob@example.test";
  account.to_actor = true;
  account.account = {"FR76 **** **** 0189",
                     "",
                     "Bob Martin",
                     "AGRIFRPP",
                     "0123456789ABCDEF0123456789ABCDEF01234567",
                     "2027-01-31 12:00 UTC",
                     48,
                     kOperator};
  one("reply-account-registered", "account_registered", account);
  account.account.old_masked = "FR76 **** **** 0189";
  account.account.masked = "DE89 **** **** 3000";
  account.account.holder.clear();
  account.account.bic.clear();
  account.account.effective = "2027-02-02 12:00 UTC";
  one("reply-account-change-pending", "account_change_pending", account);
  account.to_actor = false;
  one("reply-account-changed", "account_changed", account);
  // app/inbound/process.cpp ApplyRating and ApplyReputation.
  auto rules = book_.Find("sale");
  ASSERT_TRUE(rules);
  core::Offer offer = SaleOffer();
  offer.id = kId;
  offer.lang = lang;
  auto deal = core::NewDeal(**rules, core::Policy{}, offer, At(0));
  ASSERT_TRUE(deal);
  notify::MessageInput rated;
  rated.deal = &*deal;
  rated.rules = *rules;
  rated.recipient_role = "buyer";
  rated.recipient_email = "bob@example.test";
  rated.to_actor = true;
  rated.command.code = core::code::kRate;
  rated.command.actor = "buyer";
  rated.command.score = 1;
  one("reply-rated", "rated", rated);
  core::ReputationSummary record;
  record.who = "alice@example.test";
  record.funded = 14;
  record.completed = 12;
  record.returned = 1;
  record.plus = 11;
  record.since = *core::ParseIsoTime("2026-03-14T09:00:00Z");
  notify::MessageInput asked;
  asked.recipient_email = "bob@example.test";
  asked.to_actor = true;
  asked.reputation = &record;
  one("reply-reputation", "reputation", asked);
}

void GoldenTest::Listings() {
  const std::string lang = GetParam();
  core::Listing sale;
  sale.id = "CL-4M2ZK8PD";
  sale.case_name = "sale";
  sale.lister = "alice@example.test";
  sale.title = "Kind of Blue, CD, mint";
  sale.tags = "jazz miles davis";
  sale.amount = Money::FromMinor(2500);
  sale.shipping = Money::FromMinor(500);
  sale.lang = lang;
  sale.created = *core::ParseIsoTime(kT0);
  sale.expires = sale.created + core::Days(30);
  core::Listing swap = sale;
  swap.id = "CL-9P4RT7B1";
  swap.case_name = "exchange";
  swap.title = "Kind of Blue (CD)";
  swap.wants = "any Coltrane LP";
  swap.tags = "";
  swap.amount = Money::FromMinor(2000);
  swap.delivery = "hand";
  auto one = [&](const std::string& name, const std::string& tmpl,
                 const std::string& to, const notify::ListingInput& li) {
    notify::MessageInput in;
    in.recipient_email = to;
    in.listing_input = &li;
    auto msg = renderer_.Render({tmpl}, lang, in);
    ASSERT_TRUE(msg) << msg.error().message;
    used_.insert(tmpl);
    files_[name] = "=== to <" + to + "> [" + tmpl +
                   "]\nSubject: " + msg->subject + "\n\n" + msg->body;
  };
  notify::ListingInput about_sale{&sale, "", "", "", {}, "", {}};
  notify::ListingInput about_swap{&swap, "", "", "", {}, "", {}};
  const std::string alice = "alice@example.test";
  one("listing-05-posted-sale", "listing_posted", alice, about_sale);
  one("listing-05-posted-exchange", "listing_posted", alice, about_swap);
  core::ReputationSummary record;  // the lister's, no address
  record.funded = 4;
  record.completed = 3;
  record.disputed = 1;
  record.plus = 3;
  record.since = *core::ParseIsoTime("2026-03-14T09:00:00Z");
  notify::ListingInput search{nullptr,
                              "",
                              "",
                              "blue max: 40",
                              {sale, swap},
                              "",
                              {record, core::ReputationSummary{}}};
  one("listing-06-search", "search_results", "bob@example.test", search);
  notify::ListingInput none{nullptr, "", "", "harpsichord", {}, "", {}};
  one("listing-06-search-none", "search_results", "bob@example.test", none);
  notify::ListingInput interest{
      &sale, "bob@example.test", "Still available?", "", {}, "", {}};
  one("listing-07-interest-sent", "interest_sent", "bob@example.test",
      interest);
  one("listing-07-interest-notice", "interest_notice", alice, interest);
  one("listing-08-taken", "listing_taken", "carol@example.test", about_sale);
  notify::ListingInput ended{&sale, "", "", "", {}, kId, {}};
  one("listing-deal-declined-reopened", "listing_reopened", alice, ended);
  one("listing-deal-completed-closed", "listing_closed", alice, ended);
  one("listing-13-withdrawn", "listing_withdrawn", alice, about_sale);
  one("listing-expiry-reminder", "listing_expiry_reminder", alice, about_sale);
  one("listing-expired", "listing_expired", alice, about_sale);
}

}  // namespace ct::golden

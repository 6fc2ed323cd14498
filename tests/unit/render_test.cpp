// notify::Renderer with the real templates/ and rules/ of the source tree.
#include "notify/render.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <variant>

#include "core/engine.h"
#include "notify/message_context.h"
#include "notify/renderer.h"
#include "rules/loader.h"

namespace ct::notify {
namespace {

const std::string kSource = CT_TEST_SOURCE_DIR;

class RenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto book = rules::LoadDir(kSource + "/rules");
    ASSERT_TRUE(book) << book.error().message;
    book_ = std::move(*book);
    auto sale = book_.Find("sale");
    ASSERT_TRUE(sale);
    rules_ = *sale;
  }

  // An accepted sale (state awaiting_deposits) and the outcome of code 11.
  core::Outcome Accepted(const std::string& item) {
    core::Offer offer;
    offer.id = "CT-7K3QX9A2";
    offer.emails = {{"seller", "alice@example.test"},
                    {"buyer", "bob@example.test"}};
    offer.terms = {{"price", core::Money::FromMinor(2500)},
                   {"shipping", core::Money::FromMinor(500)}};
    offer.texts = {{"item", item}};
    offer.lang = "en";
    auto deal = core::NewDeal(*rules_, policy_, offer, now_);
    EXPECT_TRUE(deal) << deal.error().message;
    core::Command accept;
    accept.code = core::code::kAccept;
    accept.actor = "buyer";
    auto step = core::Step(*rules_, policy_, *deal, accept, now_);
    EXPECT_TRUE(std::holds_alternative<core::Outcome>(step));
    return std::get<core::Outcome>(step);
  }

  MessageInput InputFor(const core::Outcome& outcome, const std::string& role) {
    MessageInput in;
    in.deal = &outcome.deal;
    in.rules = rules_;
    in.recipient_role = role;
    in.recipient_email = outcome.deal.Party(role)->email;
    in.command.code = core::code::kAccept;
    in.command.actor = "buyer";
    in.to_actor = role == "buyer";
    return in;
  }

  rules::RuleBook book_;
  const core::CaseRules* rules_ = nullptr;
  core::Policy policy_;
  core::Time now_ = core::Time(std::chrono::seconds(1801742400));
  Renderer renderer_{kSource + "/templates", "fr"};
};

TEST_F(RenderTest, SubjectHasPrefixAndFooterHasNextSteps) {
  const core::Outcome outcome = Accepted("Kind of Blue, CD");
  for (const std::string lang : {"en", "fr"}) {
    auto msg = renderer_.Render({"accepted", "deposit_request"}, lang,
                                InputFor(outcome, "buyer"));
    ASSERT_TRUE(msg) << msg.error().message;
    EXPECT_TRUE(msg->subject.starts_with("[CT-7K3QX9A2] ")) << msg->subject;
    EXPECT_GT(msg->subject.size(), std::string("[CT-7K3QX9A2] ").size());
    EXPECT_NE(msg->body.find("CT-7K3QX9A2 00"), std::string::npos) << lang;
    EXPECT_NE(msg->body.find("CT-7K3QX9A2 13"), std::string::npos) << lang;
    EXPECT_NE(msg->body.find("CT-7K3QX9A2 92 N"), std::string::npos) << lang;
    EXPECT_NE(msg->body.find("CT-7K3QX9A2-BUYER"), std::string::npos) << lang;
    EXPECT_TRUE(msg->body.ends_with("\n"));
  }
}

TEST_F(RenderTest, NoHeaderInjectionThroughTheSubject) {
  // NewDeal refuses such an item (core/limits.h); the renderer must still
  // keep it out of the header should one reach it.
  core::Outcome outcome = Accepted("CD");
  outcome.deal.texts["item"] = "CD\r\nBcc: x@evil.test\nX: y";
  for (const std::string lang : {"en", "fr"}) {
    auto msg =
        renderer_.Render({"accepted"}, lang, InputFor(outcome, "seller"));
    ASSERT_TRUE(msg) << msg.error().message;
    EXPECT_EQ(msg->subject.find('\r'), std::string::npos);
    EXPECT_EQ(msg->subject.find('\n'), std::string::npos);
  }
}

TEST_F(RenderTest, NoHtmlEscaping) {
  const core::Outcome outcome = Accepted("Tom & Jerry <DVD> \"mint\"");
  auto msg = renderer_.Render({"accepted"}, "en", InputFor(outcome, "seller"));
  ASSERT_TRUE(msg) << msg.error().message;
  EXPECT_NE((msg->subject + msg->body).find("Tom & Jerry <DVD> \"mint\""),
            std::string::npos);
  EXPECT_EQ(msg->body.find("&amp;"), std::string::npos);
}

TEST_F(RenderTest, OperatorGetsDepositLines) {
  const core::Outcome outcome = Accepted("CD");
  MessageInput in = InputFor(outcome, "seller");
  in.recipient_role = "operator";
  in.recipient_email = "operator@example.test";
  auto msg = renderer_.Render({"accepted"}, "en", in);
  ASSERT_TRUE(msg) << msg.error().message;
  EXPECT_NE(msg->body.find("CT-7K3QX9A2 21 seller 30.25 ref="),
            std::string::npos);
  EXPECT_NE(msg->body.find("CT-7K3QX9A2 21 buyer 60.25 ref="),
            std::string::npos);
}

TEST_F(RenderTest, ReasonsAreInTheReadersLanguage) {
  MessageInput in;
  in.recipient_email = "alice@example.test";
  in.reason = "the message is not signed";  // a fixed sentence: msg.* label
  auto fr = renderer_.Render({"unsigned"}, "fr", in);
  ASSERT_TRUE(fr) << fr.error().message;
  EXPECT_NE(fr->body.find("le message n'est pas signé"), std::string::npos)
      << fr->body;
  auto en = renderer_.Render({"unsigned"}, "en", in);
  ASSERT_TRUE(en);
  EXPECT_NE(en->body.find("the message is not signed"), std::string::npos);
  in.reason = "the signature was made more than 7 days ago";  // no label:
  auto as_is = renderer_.Render({"unsigned"}, "fr", in);      // shown as is
  EXPECT_NE(as_is->body.find("more than 7 days ago"), std::string::npos);
  in.reason = "unknown code 55";  // a sentence ending with a value
  auto tail = renderer_.Render({"refusal"}, "fr", in);
  EXPECT_NE(tail->body.find("code inconnu : 55"), std::string::npos)
      << tail->body;
  // A refusal with values: the kind picks the sentence, values fill it in.
  in.reason_key = "too_old";
  in.reason_args = {{"days", "7"}, {"date", "2027-01-20 10:00 UTC"}};
  auto keyed = renderer_.Render({"refusal"}, "fr", in);
  ASSERT_TRUE(keyed) << keyed.error().message;
  EXPECT_NE(keyed->body.find("la signature date de plus de 7 jours "
                             "(2027-01-20 10:00 UTC)"),
            std::string::npos)
      << keyed->body;
}

TEST_F(RenderTest, UnknownLanguageFallsBack) {
  const core::Outcome outcome = Accepted("CD");
  auto msg = renderer_.Render({"accepted"}, "xx", InputFor(outcome, "seller"));
  ASSERT_TRUE(msg) << msg.error().message;
  auto path_trick =
      renderer_.Render({"accepted"}, "../en", InputFor(outcome, "seller"));
  ASSERT_TRUE(path_trick) << path_trick.error().message;
}

TEST_F(RenderTest, MissingTemplateIsAConfigErrorNamingTheFile) {
  const core::Outcome outcome = Accepted("CD");
  auto msg =
      renderer_.Render({"no_such_template"}, "en", InputFor(outcome, "seller"));
  ASSERT_FALSE(msg);
  EXPECT_EQ(msg.error().kind, ErrorKind::kConfig);
  EXPECT_NE(msg.error().message.find("no_such_template.mustache"),
            std::string::npos);
}

// After the first 40 of an exchange every message says that one
// item is on its way and the other not, and what the deadline now does.
TEST_F(RenderTest, ExchangeProgressAfterTheFirstShipment) {
  const core::CaseRules& exchange = **book_.Find("exchange");
  core::Offer offer;
  offer.id = "CT-EXCH0001";
  offer.emails = {{"a", "alice@example.test"}, {"b", "bob@example.test"}};
  offer.terms = {{"value", core::Money::FromMinor(2000)}};
  offer.texts = {{"give", "x"}, {"take", "y"}};
  core::Deal deal = *core::NewDeal(exchange, policy_, offer, now_);
  auto apply = [&](const std::string& actor, int code,
                   const std::string& role = "", int64_t amount = 0) {
    core::Command c;
    c.actor = actor;
    c.code = code;
    c.deposit_role = role;
    c.amount = core::Money::FromMinor(amount);
    auto r = core::Step(exchange, policy_, deal, c, now_);
    EXPECT_TRUE(std::holds_alternative<core::Outcome>(r));
    deal = std::get<core::Outcome>(r).deal;
  };
  apply("b", core::code::kAccept);
  apply("operator", core::code::kDeposit, "a", 2020);
  apply("operator", core::code::kDeposit, "b", 2020);
  MessageInput in;
  in.deal = &deal;
  in.rules = &exchange;
  in.recipient_role = "b";
  in.command.code = core::code::kStatus;
  in.command.actor = "b";
  Data before = BuildContext(in);
  EXPECT_FALSE(before.get("has_progress")->is_true());
  EXPECT_FALSE(before.get("partial_default")->is_true());
  EXPECT_EQ(before.get("deadline_outcome")->string_value(), "cancelled");

  apply("a", core::code::kShipped);
  Data after = BuildContext(in);
  EXPECT_TRUE(after.get("has_progress")->is_true());
  EXPECT_TRUE(after.get("partial_default")->is_true());
  EXPECT_EQ(after.get("deadline_outcome")->string_value(), "disputed");
  for (const std::string lang : {"en", "fr"}) {
    auto msg = renderer_.Render({"status"}, lang, in);
    ASSERT_TRUE(msg) << msg.error().message;
    const char* kShipped = lang == "en"
                               ? "party A (made the offer) has shipped"
                               : "partie A (auteur de l'offre) a expédié";
    const char* kNotYet = lang == "en" ? "party B has not shipped yet"
                                       : "partie B n'a pas encore expédié";
    EXPECT_NE(msg->body.find(kShipped), std::string::npos) << msg->body;
    EXPECT_NE(msg->body.find(kNotYet), std::string::npos) << msg->body;
  }

  // The deadline passes: the notice lists who had shipped.
  core::Command timeout;
  timeout.code = core::code::kTimeout;
  timeout.actor = core::kTimerRole;
  auto r = core::Step(exchange, policy_, deal, timeout, *deal.deadline);
  ASSERT_TRUE(std::holds_alternative<core::Outcome>(r));
  core::Deal disputed = std::get<core::Outcome>(r).deal;
  ASSERT_EQ(disputed.state, "disputed");
  in.deal = &disputed;
  in.command = timeout;
  in.from_state = "funded";
  in.to_state = "disputed";
  Data notice = BuildContext(in);
  EXPECT_TRUE(notice.get("has_from_progress")->is_true());
  EXPECT_FALSE(notice.get("has_progress")->is_true());
  auto msg = renderer_.Render({"partial_default", "dispute_opened"}, "en", in);
  ASSERT_TRUE(msg) << msg.error().message;
  EXPECT_NE(msg->body.find("party A (made the offer) has shipped their item"),
            std::string::npos)
      << msg->body;
  EXPECT_NE(msg->body.find("party B has not shipped yet"), std::string::npos);
}

TEST_F(RenderTest, EveryTemplateChecksInEnglishAndFrench) {
  auto ok = CheckTemplates(kSource + "/templates", {"en", "fr"},
                           book_.TemplateNames());
  EXPECT_TRUE(ok) << ok.error().message;
}

TEST_F(RenderTest, CheckReportsMissingTemplates) {
  auto ok = CheckTemplates(kSource + "/templates", {"en"}, {"nope"});
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().kind, ErrorKind::kConfig);
  EXPECT_NE(ok.error().message.find("nope.mustache"), std::string::npos);
}

TEST(CheckTemplatesTest, ReportsUnknownKeysAndMissingSubject) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("ct-render-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "en");
  std::ofstream(dir / "en" / "_footer.mustache") << "{{state}}\n";
  std::ofstream(dir / "en" / "good.mustache")
      << "Deal {{id}}\n\n{{#parties}}{{role}} {{due}}{{/parties}}\n";
  std::ofstream(dir / "en" / "typo.mustache") << "Deal {{idd}}\n\nbody\n";
  std::ofstream(dir / "en" / "nosubject.mustache") << "Deal\nbody\n";
  std::ofstream(dir / "en" / "broken.mustache") << "Deal\n\n{{#id}}\n";
  EXPECT_TRUE(CheckTemplates(dir.string(), {"en"}, {"good"}));
  auto typo = CheckTemplates(dir.string(), {"en"}, {"typo"});
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("unknown key 'idd'"), std::string::npos);
  auto nosubject = CheckTemplates(dir.string(), {"en"}, {"nosubject"});
  ASSERT_FALSE(nosubject);
  EXPECT_NE(nosubject.error().message.find("line 2 empty"), std::string::npos);
  auto broken = CheckTemplates(dir.string(), {"en"}, {"broken"});
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("broken.mustache"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(OneLineTest, CollapsesControlCharacters) {
  EXPECT_EQ(OneLine("  a\r\nBcc: x\t y  "), "a Bcc: x y");
  EXPECT_EQ(OneLine("\x1b[31mred"), "[31mred");
  EXPECT_EQ(OneLine(""), "");
}

}  // namespace
}  // namespace ct::notify

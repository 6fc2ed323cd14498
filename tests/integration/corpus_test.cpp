// The inbound-mail corpus (docs/protocol.md: what every incoming message
// gets, what counts as signed, the replay rules; a bad input gets a clear
// outcome and changes nothing else), run through the real binary with real
// GnuPG keys and a real neomutt.
//
// The cases are data: one folder each under tests/corpus (the message, or
// the recipe that makes it with this run's keys, and expect.toml); the
// folder name is the test name. tests/corpus/README.md describes the
// world, the format and every case. Each case runs in its own copy of the
// baseline world: its message(s) go into maildir/new, `cybertroc run`
// processes them, and CheckOutcome (tests/support/corpus_check.cpp) checks
// the inbox row, the replies, the quarantine, the deal, the deal list and
// the key bindings.
//
// Skips when gpg, neomutt or tmux is missing.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "corpus_expect.h"
#include "corpus_recipe.h"
#include "corpus_sign.h"
#include "corpus_world.h"

namespace {

using namespace corpus;

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new CorpusEnvironment);

class CorpusTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!E().skip.empty()) GTEST_SKIP() << E().skip;
    ASSERT_TRUE(E().error.empty()) << E().error;
  }
};

// The deal, the deal list and the key bindings, as `--json` shows them.
bool ReadState(const World& w, Json& deal, Json& list, Json& keys) {
  auto d = JsonOf(w, {"show", D()}), l = JsonOf(w, {"list"}),
       k = JsonOf(w, {"keys", "list"});
  if (!d || !l || !k) return false;
  deal = *d, list = *l, keys = *k;
  return true;
}

TEST_P(CorpusTest, Outcome) {
  const std::string name = GetParam();
  const std::optional<Expect> want = LoadExpect(name);
  ASSERT_TRUE(want);
  Outcome o;
  o.world = Fork(name);
  const World& w = o.world;
  ASSERT_TRUE(ReadState(w, o.before, o.list_before, o.keys_before));

  const std::vector<Step> steps = MakeSteps(name);
  ASSERT_FALSE(steps.empty());
  for (size_t i = 0; i < steps.size(); ++i) {
    Deliver(w, steps[i].raw);
    o.run = Cli(w, {"run"}, steps[i].clock_offset);
    EXPECT_EQ(o.run.status, 0) << "step " << i << ": cybertroc run failed:\n"
                               << o.run.out << o.run.err;
  }
  o.message_id = MessageIdOf(steps.back().raw);
  ASSERT_FALSE(o.message_id.empty());
  {
    Db db(w.db());
    ASSERT_TRUE(db.ok());
    o.inbox = db.Inbox(o.message_id);
    o.replies = db.RepliesTo(o.message_id);
    o.recipients = db.AllRecipients();
  }
  ASSERT_TRUE(ReadState(w, o.after, o.list_after, o.keys_after));
  auto quarantine = JsonOf(w, {"quarantine"});
  ASSERT_TRUE(quarantine);
  o.quarantine = *quarantine;

  const std::string trace = "inbox: " + o.inbox.status + " (" +
                            o.inbox.outcome +
                            ")\nreplies:" + Describe(o.replies) +
                            "\nlog: " + ReadFile(w.dir / "ct.log");
  ASSERT_TRUE(o.inbox.found) << "no inbox row for " << o.message_id;
  std::cout << "[ corpus   ] " << name << ": " << o.inbox.status << " ("
            << o.inbox.outcome << "); replies:" << Describe(o.replies) << "\n";
  CheckOutcome(*want, o, trace);
  StopAgent(w.home);
}

INSTANTIATE_TEST_SUITE_P(Corpus, CorpusTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// ------------------------------------------ accepting by PGP/MIME and inline

class CorpusAccept : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!E().skip.empty()) GTEST_SKIP() << E().skip;
    ASSERT_TRUE(E().error.empty()) << E().error;
  }
};
TEST_F(CorpusAccept, NeomuttAndClearsignedAcceptsEachMoveTheirOwnDeal) {
  World w = Fork("accepts");
  auto offer = [&](const std::string& item) {
    std::string raw = Clear("alice", kAlice, kAlice,
                            "CT 10 SALE\nbuyer: " + kBob + "\nitem: " + item +
                                "\nprice: 12,50 EUR\nshipping: 4.00\n");
    Deliver(w, raw);
    EXPECT_EQ(Cli(w, {"run"}).status, 0);
    InboxRow row = Db(w.db()).Inbox(MessageIdOf(raw));
    EXPECT_EQ(row.status, "processed") << row.outcome;
    return row.deal_id;
  };
  const std::string a = offer("A Love Supreme, LP"),
                    b = offer("Blue Train, LP");
  ASSERT_EQ(a.size(), 11u);
  ASSERT_EQ(b.size(), 11u);
  ASSERT_NE(a, b);
  auto state = [&](const std::string& id) {
    auto show = JsonOf(w, {"show", id});
    return show ? JsonField(*show, "state") : "?";
  };
  EXPECT_EQ(state(a), "offered");
  EXPECT_EQ(state(b), "offered");

  auto accept = [&](const std::string& raw) {
    Deliver(w, raw);
    ShellResult run = Cli(w, {"run"});
    EXPECT_EQ(run.status, 0) << run.err;
    InboxRow row = Db(w.db()).Inbox(MessageIdOf(raw));
    EXPECT_EQ(row.status, "processed") << row.outcome;
    EXPECT_TRUE(Contains(row.outcome, "offered -> awaiting_deposits"))
        << row.outcome;
  };
  accept(Neomutt("bob", kBob, a + " 11\n\nD'accord, merci !\n"));
  EXPECT_EQ(state(a), "awaiting_deposits");
  EXPECT_EQ(state(b), "offered");
  accept(Clear("bob", kBob, kBob, b + " 11\n"));
  EXPECT_EQ(state(a), "awaiting_deposits");
  EXPECT_EQ(state(b), "awaiting_deposits");
  EXPECT_EQ(state(D()), "awaiting_deposits");
  StopAgent(w.home);
}

// ------------------------------------ a new party's key, after the fact

// carol (no key offered, not a party) offers a sale to bob: quarantined as
// unknown, no reply; the operator imports her key and reprocesses the
// message: the offer is applied and a new deal has carol as seller.
TEST_F(CorpusAccept, UnknownKeyOfferAppliedAfterKeysImportAndReprocess) {
  World w = Fork("reprocess_new_party");
  auto list_before = JsonOf(w, {"list"});
  ASSERT_TRUE(list_before);
  const std::string raw =
      Clear("carol", kCarol, kCarol,
            "CT 10 SALE\nbuyer: " + kBob +
                "\nitem: Giant Steps, LP\nprice: 18.00\nshipping: 4.00\n");
  const std::string mid = MessageIdOf(raw);
  Deliver(w, raw);
  ShellResult run = Cli(w, {"run"});
  EXPECT_EQ(run.status, 0) << run.err;
  {
    Db db(w.db());
    InboxRow row = db.Inbox(mid);
    EXPECT_EQ(row.status, "quarantined") << row.outcome;
    EXPECT_TRUE(ContainsNoCase(row.outcome, "unknown")) << row.outcome;
    EXPECT_TRUE(db.RepliesTo(mid).empty()) << Describe(db.RepliesTo(mid));
  }
  auto list_mid = JsonOf(w, {"list"});
  ASSERT_TRUE(list_mid);
  EXPECT_EQ(*list_mid, *list_before) << "a deal opened by an unknown key";

  ShellResult import =
      Cli(w, {"keys", "import", (E().gnupg / "pub" / "carol.asc").string()});
  ASSERT_EQ(import.status, 0) << import.out << import.err;
  ShellResult again = Cli(w, {"reprocess", mid});
  EXPECT_EQ(again.status, 0) << again.out << again.err;
  EXPECT_TRUE(Contains(again.out, "1 applied")) << again.out;

  InboxRow row = Db(w.db()).Inbox(mid);
  EXPECT_EQ(row.status, "processed") << row.outcome;
  EXPECT_TRUE(Contains(row.outcome, "offer: opened ")) << row.outcome;
  ASSERT_EQ(row.deal_id.size(), 11u) << row.outcome;
  EXPECT_NE(row.deal_id, D());
  auto show = JsonOf(w, {"show", row.deal_id});
  ASSERT_TRUE(show);
  EXPECT_EQ(JsonField(*show, "state"), "offered");
  std::map<std::string, std::string> parties;
  for (const auto& party : show->value("parties", Json::array()))
    parties[JsonField(party, "role")] = JsonField(party, "email");
  EXPECT_EQ(parties["seller"], kCarol) << show->dump(2);
  EXPECT_EQ(parties["buyer"], kBob) << show->dump(2);
  auto list_after = JsonOf(w, {"list"});
  ASSERT_TRUE(list_after);
  EXPECT_EQ(list_after->size(), list_before->size() + 1);
  // Out of quarantine; carol bound (TOFU) to her primary key; the baseline
  // deal untouched; mail only to carol (now a party), bob, the operator.
  auto quarantine = JsonOf(w, {"quarantine"});
  ASSERT_TRUE(quarantine);
  for (const auto& q : *quarantine)
    EXPECT_NE(JsonField(q, "message_id"), mid)
        << "applied, yet still listed by `quarantine` (reason: "
        << JsonField(q, "reason") << ")";
  auto keys = JsonOf(w, {"keys", "list"});
  ASSERT_TRUE(keys);
  std::map<std::string, std::string> bound;
  for (const auto& b : *keys)
    bound[JsonField(b, "email")] = JsonField(b, "fingerprint");
  EXPECT_EQ(bound[kCarol], Fpr("CAROL")) << keys->dump(2);
  EXPECT_EQ(bound[kAlice], Fpr("ALICE"));
  auto base = JsonOf(w, {"show", D()});
  ASSERT_TRUE(base);
  EXPECT_EQ(JsonField(*base, "state"), "awaiting_deposits");
  std::set<std::string> allowed = kKnown;
  allowed.insert(kCarol);
  for (const auto& to : Db(w.db()).AllRecipients())
    EXPECT_TRUE(allowed.contains(to)) << "mail queued to " << to;
  bool confirmed = false;
  for (const auto& r : Db(w.db()).RepliesTo(mid)) confirmed |= r.to == kCarol;
  EXPECT_TRUE(confirmed) << Describe(Db(w.db()).RepliesTo(mid));
  StopAgent(w.home);
}

}  // namespace

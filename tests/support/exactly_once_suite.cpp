#include "exactly_once_suite.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace cttest::once {

MailWorld* ExactlyOnceTest::world_ = nullptr;
std::string ExactlyOnceTest::problem_;
bool ExactlyOnceTest::skipped_ = false;

void ExactlyOnceTest::SetUpTestSuite() {
  world_ = new cttest::MailWorld;
  problem_ = world_->Start("once");
  skipped_ = world_->Skipped();
}

void ExactlyOnceTest::TearDownTestSuite() {
  delete world_;  // stops the servers and the agents
  world_ = nullptr;
}

void ExactlyOnceTest::SetUp() {
  if (skipped_) GTEST_SKIP() << problem_;
  ASSERT_TRUE(problem_.empty()) << "harness: " << problem_;
}

std::string ExactlyOnceTest::Label(const std::string& what) {
  static int counter = 0;
  return what + "-" + std::to_string(++counter);
}

cttest::InboxSettings ExactlyOnceTest::Inbox(Kind kind,
                                             const fs::path& maildir) {
  cttest::InboxSettings in;
  const std::string host = "escrow@127.0.0.1:";
  in.password_file = world().Env("CT_PASSWORD_FILE");
  in.tls_ca_file = world().Env("CT_CA_FILE");
  switch (kind) {
    case Kind::kImapProcessed:
      in.url = "imap://" + host + world().Env("CT_IMAP_PORT") + "/INBOX";
      in.processed_folder = "Processed";
      break;
    case Kind::kImapSeen:
      in.url = "imap://" + host + world().Env("CT_IMAP_PORT") + "/INBOX";
      in.processed_folder = "";  // acknowledge with \Seen
      break;
    case Kind::kImaps:
      in.url = "imaps://" + host + world().Env("CT_IMAPS_PORT") + "/INBOX";
      in.processed_folder = "Processed";
      break;
    case Kind::kPop3:
      in.url = "pop3://" + host + world().Env("CT_POP3_PORT");
      break;
    case Kind::kPop3s:
      in.url = "pop3s://" + host + world().Env("CT_POP3S_PORT");
      break;
    case Kind::kMaildir:
      in.url = "maildir://" + maildir.string();
      in.password_file.clear();
      in.tls_ca_file.clear();
      break;
  }
  return in;
}

Scenario ExactlyOnceTest::NewScenario(Kind kind, const std::string& label) {
  Scenario s;
  s.kind = kind;
  if (kind != Kind::kMaildir) {
    world().Empty(s.user, "INBOX");
    world().Empty(s.user, "Processed");
  }
  s.ct = std::make_unique<Instance>(world(), label);
  if (kind == Kind::kMaildir) {
    s.maildir = s.ct->dir() / "Maildir";
    for (const char* sub : {"new", "cur", "tmp"})
      fs::create_directories(s.maildir / sub);
  }
  s.ct->WriteConfig(Inbox(kind, s.maildir), kWorkers);
  Cmd init = s.ct->Run({"init"});  // `open` does not create the database
  EXPECT_EQ(init.status, 0) << init.All();
  Cmd open =
      s.ct->Run({"--json", "open", "sale", "--seller", "alice@example.test",
                 "--buyer", "bob@example.test", "--item", "Kind of Blue, CD",
                 "--price", "25.00", "--shipping", "5.00", "--lang", "en"});
  EXPECT_EQ(open.status, 0) << open.All();
  s.deal = cttest::JsonString(open.out, "id");
  EXPECT_FALSE(s.deal.empty()) << open.All();
  return s;
}

void ExactlyOnceTest::DeliverBatch(Scenario& s) {
  const fs::path dir = s.ct->dir() / "mail";
  fs::create_directories(dir);
  for (int i = 0; i < kMessages; ++i) {
    Delivered d;
    d.offer = i == 0;
    d.sender = i % 2 == 0 ? "alice" : "bob";
    const std::string body =
        d.offer
            ? "CT 10 SALE\nbuyer: bob@example.test\nitem: A Love Supreme, LP\n"
              "price: 25,00 EUR\nshipping: 5.00\ndelivery: post\nlang: en\n"
            : s.deal + " 00\n\nWhere are we? (request " + std::to_string(i) +
                  ")\n";
    const fs::path file = dir / ("m" + std::to_string(i) + ".eml");
    world().Clearsign(d.sender, body, file, 0,
                      world().AutocryptHeader(d.sender),
                      "message " + std::to_string(i));
    d.bytes = ReadFile(file);
    d.message_id = cttest::HeaderValue(d.bytes, "Message-ID");
    ASSERT_FALSE(d.message_id.empty()) << d.bytes;
    if (s.kind == Kind::kMaildir) {
      cttest::DeliverToMaildir(s.maildir, file);
    } else {
      world().DeliverInOrder(s.user, file);
    }
    s.mail.push_back(d);
  }
}

std::string ExactlyOnceTest::Diagnostics(const Scenario& s) {
  std::string log = ReadFile(s.ct->log());
  if (log.size() > 6000) log = "..." + log.substr(log.size() - 6000);
  return "\n--- " + s.ct->log().string() + "\n" + log;
}

std::string ExactlyOnceTest::OfferDeal(const Scenario& s) {
  for (const auto& d : s.mail) {
    if (!d.offer) continue;
    auto rows = s.ct->Sql("SELECT deal_id FROM inbox WHERE message_id = " +
                          Instance::SqlText(d.message_id));
    return rows.empty() ? "" : rows.front();
  }
  return "";
}

std::string ExactlyOnceTest::Show(const Scenario& s, const std::string& deal) {
  Cmd show = s.ct->Run({"--json", "show", deal});
  EXPECT_EQ(show.status, 0) << show.All();
  return show.out;
}

std::set<std::string> ExactlyOnceTest::Waiting(const Scenario& s) {
  std::set<std::string> ids;
  if (s.kind == Kind::kMaildir) {
    for (const char* sub : {"new", "cur"}) {
      for (const auto& f : fs::directory_iterator(s.maildir / sub)) {
        const std::string name = f.path().filename().string();
        const auto info = name.find(":2,");
        if (info != std::string::npos &&
            name.find('S', info) != std::string::npos)
          continue;
        ids.insert(cttest::HeaderValue(ReadFile(f.path()), "Message-ID"));
      }
    }
    return ids;
  }
  for (const auto& m : world().ServerMessages(s.user)) {
    if (m.mailbox != "INBOX" || m.Deleted()) continue;
    if (s.kind == Kind::kImapSeen && m.Seen()) continue;
    ids.insert(m.message_id);
  }
  return ids;
}

std::string ExactlyOnceTest::IdList(const Scenario& s) {
  std::string list;
  for (const auto& d : s.mail)
    list += (list.empty() ? "" : ", ") + Instance::SqlText(d.message_id);
  return list;
}

std::set<std::string> ExactlyOnceTest::AllIds(const Scenario& s) {
  std::set<std::string> ids;
  for (const auto& d : s.mail) ids.insert(d.message_id);
  return ids;
}

void ExactlyOnceTest::ExpectAcknowledged(const Scenario& s) {
  EXPECT_TRUE(Waiting(s).empty()) << "still offered by the server";
  if (s.kind == Kind::kMaildir) {
    const fs::path& md = s.maildir;
    EXPECT_TRUE(fs::is_empty(md / "new"));
    std::multiset<std::string> done;
    for (const auto& f : fs::directory_iterator(md / "cur")) {
      const std::string name = f.path().filename().string();
      EXPECT_NE(name.find(":2,"), std::string::npos) << name;
      EXPECT_NE(name.find('S', name.find(":2,")), std::string::npos) << name;
      done.insert(cttest::HeaderValue(ReadFile(f.path()), "Message-ID"));
    }
    const std::set<std::string> all = AllIds(s);
    EXPECT_EQ(done, std::multiset<std::string>(all.begin(), all.end()));
    return;
  }
  std::multiset<std::string> inbox, processed;
  for (const auto& m : world().ServerMessages(s.user)) {
    if (m.mailbox == "INBOX") {
      inbox.insert(m.message_id);
      if (s.kind == Kind::kImapSeen) {
        EXPECT_TRUE(m.Seen()) << m.message_id << " " << m.flags;
      }
    } else if (m.mailbox == "Processed") {
      processed.insert(m.message_id);
    } else {
      ADD_FAILURE() << "message in " << m.mailbox << ": " << m.message_id;
    }
  }
  const std::set<std::string> ids = AllIds(s);
  const std::multiset<std::string> all(ids.begin(), ids.end());
  switch (s.kind) {
    case Kind::kImapProcessed:
    case Kind::kImaps:
      EXPECT_TRUE(inbox.empty()) << inbox.size() << " left in INBOX";
      EXPECT_EQ(processed, all) << "each message once in Processed";
      break;
    case Kind::kImapSeen:
      EXPECT_EQ(inbox, all) << "each message once in INBOX, \\Seen";
      EXPECT_TRUE(processed.empty());
      break;
    default:  // POP3: deleted
      EXPECT_TRUE(inbox.empty()) << inbox.size() << " left in INBOX";
      EXPECT_TRUE(processed.empty());
  }
}

void ExactlyOnceTest::ExpectStoredBytes(const Scenario& s, const Delivered& d) {
  const auto raws = s.ct->StoredRaw(d.message_id);
  ASSERT_EQ(raws.size(), 1u) << d.message_id;
  const std::string stored = cttest::StripDeliveryHeaders(raws.front());
  EXPECT_EQ(stored.size(), d.bytes.size()) << d.message_id;
  EXPECT_TRUE(stored == d.bytes)
      << d.message_id << ": stored bytes differ from delivered";
}

void ExactlyOnceTest::ExpectEachAppliedOnce(const Scenario& s) {
  const Instance& ct = *s.ct;
  const std::string offer_deal = OfferDeal(s);
  ASSERT_FALSE(offer_deal.empty())
      << "the offer opened no deal" << Diagnostics(s);
  EXPECT_EQ(ct.SqlCount("SELECT count(*) FROM deals"), 2)
      << "the operator's deal and the offer's";
  EXPECT_EQ(ct.SqlCount("SELECT count(*) FROM inbox"),
            static_cast<long>(s.mail.size()));
  const cttest::Json shown[] = {cttest::ParseJson(Show(s, s.deal)),
                                cttest::ParseJson(Show(s, offer_deal))};
  EXPECT_EQ(cttest::JsonString(Show(s, s.deal), "state"), "awaiting_deposits");
  EXPECT_EQ(cttest::JsonString(Show(s, offer_deal), "state"), "offered");
  for (const auto& d : s.mail) {
    SCOPED_TRACE(d.message_id + (d.offer ? " (offer)" : " (status)"));
    const std::string mid = Instance::SqlText(d.message_id);
    EXPECT_EQ(ct.Sql("SELECT status FROM inbox WHERE message_id = " + mid),
              std::vector<std::string>{"processed"});
    EXPECT_EQ(
        ct.Sql("SELECT deal_id || ' ' || code || ' ' || refused FROM events "
               "WHERE message_ref = " +
               mid),
        std::vector<std::string>{d.offer ? offer_deal + " 10 0"
                                         : s.deal + " 0 0"});
    // The same, as support staff see it.
    size_t events = 0;
    for (const cttest::Json& deal : shown)
      events += std::ranges::count(
          cttest::JsonFields(deal.at("events"), "message"), d.message_id);
    EXPECT_EQ(events, 1u);
    // docs/protocol.md "What every incoming message gets": a confirmation
    // to the sender, a notification to the other
    // party for an offer; one status reply; nobody twice.
    std::vector<std::string> to =
        ct.Sql("SELECT to_email FROM outbox WHERE in_reply_to = " + mid +
               " ORDER BY to_email");
    if (d.offer) {
      EXPECT_EQ(to, (std::vector<std::string>{"alice@example.test",
                                              "bob@example.test"}));
    } else {
      EXPECT_EQ(to, std::vector<std::string>{d.sender + "@example.test"});
    }
    ExpectStoredBytes(s, d);
  }
  // Everything queued went out, each once: one file per outbox row.
  EXPECT_EQ(ct.SqlCount("SELECT count(*) FROM outbox WHERE status <> 'sent'"),
            0);
  std::multiset<std::string> sent_ids;
  for (const auto& file : ct.SentFiles()) {
    sent_ids.insert(cttest::HeaderValue(ReadFile(file), "Message-ID"));
  }
  std::multiset<std::string> queued_ids;
  for (const auto& id : ct.Sql("SELECT message_id FROM outbox"))
    queued_ids.insert(id);
  EXPECT_EQ(sent_ids, queued_ids) << "each outbox row sent exactly once";
  // 2 notices of the operator's deal, 2 for the offer, 1 per status.
  EXPECT_EQ(queued_ids.size(), static_cast<size_t>(2 + 2 + (kMessages - 1)));
}

void ExactlyOnceTest::ExpectNothingNew(const Scenario& s, const Cmd& run) {
  EXPECT_EQ(run.status, 0) << run.All() << Diagnostics(s);
  EXPECT_EQ(JsonInt(run.out, "fetched"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "duplicates"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "applied"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "sent"), 0) << run.out;
}
}  // namespace cttest::once

// The mail adapters fetching from real servers on loopback
// (mail_servers_fixture.h): exact bytes, acknowledge semantics, TLS with and
// without the harness CA, for IMAP, IMAPS, POP3 and POP3S. Sending:
// mail_servers_smtp_test.cpp. Timeouts and bad chains:
// mail_network_tls_test.cpp.
#include "mail_servers_fixture.h"

namespace ct::mail {
namespace {

// ------------------------------------------------------------------ IMAP

// Fetches every message of `cfg`'s mailbox and checks it against `expected`.
void ExpectFetchesExactly(Source& source, const std::vector<std::string>& uids,
                          const std::vector<std::string>& expected) {
  ASSERT_EQ(uids.size(), expected.size());
  for (size_t i = 0; i < uids.size(); ++i) {
    Result<Fetched> fetched = source.Fetch(uids[i], 1 << 20);
    ASSERT_TRUE(fetched.has_value()) << fetched.error().message;
    EXPECT_EQ(fetched->uid, uids[i]);
    EXPECT_FALSE(fetched->oversized);
    EXPECT_EQ(fetched->raw, expected[i]);
    EXPECT_EQ(fetched->size, expected[i].size());
  }
}

TEST_F(MailServersTest, ImapStartTlsFetchesExactBytesWithoutSettingSeen) {
  EmptyMailbox("escrow");
  const std::string crlf = Sample("imap-crlf");
  const std::string lf = ToLf(Sample("imap-lf"));
  Deliver("escrow", crlf);
  Deliver("escrow", lf);
  config::InboxConfig cfg = Inbox("imap", "CT_IMAP_PORT");
  cfg.processed_folder = "";  // \Seen mode: a fetch that set it would hide
  for (int round = 0; round < 2; ++round) {
    std::unique_ptr<Source> source = MustOpen(cfg);
    ASSERT_NE(source, nullptr);
    const std::vector<std::string> uids = MustList(*source);
    ASSERT_EQ(uids.size(), 2u) << "round " << round;
    EXPECT_NE(uids[0].find(':'), std::string::npos) << uids[0];
    // IMAP always presents CRLF line ends; bytes are otherwise untouched.
    ExpectFetchesExactly(*source, uids, {crlf, ToCrlf(lf)});
    EXPECT_TRUE(source->Close().has_value());
  }
}

TEST_F(MailServersTest, ImapEmptyMailboxListsNothing) {
  EmptyMailbox("operator");
  std::unique_ptr<Source> source =
      MustOpen(Inbox("imaps", "CT_IMAPS_PORT", "operator"));
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE(MustList(*source).empty());
  Result<Fetched> missing = source->Fetch("1:1", 100);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST_F(MailServersTest, ImapsFetchesExactBytes) {
  EmptyMailbox("escrow");
  const std::string raw = Sample("imaps");
  Deliver("escrow", raw);
  std::unique_ptr<Source> source = MustOpen(Inbox("imaps", "CT_IMAPS_PORT"));
  ASSERT_NE(source, nullptr);
  ExpectFetchesExactly(*source, MustList(*source), {raw});
}

TEST_F(MailServersTest, ImapOversizedKeepsOnlyTheHeader) {
  EmptyMailbox("escrow");
  const std::string raw = Sample("big") + std::string(200000, 'y') + "\r\n";
  Deliver("escrow", raw);
  std::unique_ptr<Source> source = MustOpen(Inbox("imaps", "CT_IMAPS_PORT"));
  ASSERT_NE(source, nullptr);
  const std::vector<std::string> uids = MustList(*source);
  ASSERT_EQ(uids.size(), 1u);
  Result<Fetched> fetched = source->Fetch(uids[0], 10000);
  ASSERT_TRUE(fetched.has_value()) << fetched.error().message;
  EXPECT_TRUE(fetched->oversized);
  EXPECT_EQ(fetched->size, raw.size());
  EXPECT_EQ(fetched->raw, raw.substr(0, raw.find("\r\n\r\n") + 4));
}

TEST_F(MailServersTest, ImapAcknowledgeMovesToProcessedFolder) {
  EmptyMailbox("escrow");
  const std::string first = Sample("move-1");
  const std::string second = Sample("move-2");
  Deliver("escrow", first);
  Deliver("escrow", second);
  config::InboxConfig cfg = Inbox("imap", "CT_IMAP_PORT");
  cfg.processed_folder = "Processed-" + std::to_string(::getpid());
  {
    std::unique_ptr<Source> source = MustOpen(cfg);
    ASSERT_NE(source, nullptr);
    const std::vector<std::string> uids = MustList(*source);
    ASSERT_EQ(uids.size(), 2u);
    ASSERT_TRUE(source->Acknowledge(uids[0]).has_value());
    EXPECT_EQ(MustList(*source), std::vector<std::string>{uids[1]});
    Result<Fetched> gone = source->Fetch(uids[0], 1 << 20);
    ASSERT_FALSE(gone.has_value());
    EXPECT_EQ(gone.error().kind, ErrorKind::kNotFound);
  }
  config::InboxConfig processed = cfg;
  processed.url = "imap://escrow@127.0.0.1:" + Env("CT_IMAP_PORT") + "/" +
                  cfg.processed_folder;
  std::unique_ptr<Source> archive = MustOpen(processed);
  ASSERT_NE(archive, nullptr);
  ExpectFetchesExactly(*archive, MustList(*archive), {first});
}

TEST_F(MailServersTest, ImapAcknowledgeWithoutProcessedFolderMarksSeen) {
  EmptyMailbox("escrow");
  Deliver("escrow", Sample("seen-1"));
  Deliver("escrow", Sample("seen-2"));
  config::InboxConfig cfg = Inbox("imaps", "CT_IMAPS_PORT");
  cfg.processed_folder = "";
  std::string acknowledged;
  {
    std::unique_ptr<Source> source = MustOpen(cfg);
    ASSERT_NE(source, nullptr);
    const std::vector<std::string> uids = MustList(*source);
    ASSERT_EQ(uids.size(), 2u);
    acknowledged = uids[0];
    ASSERT_TRUE(source->Acknowledge(uids[0]).has_value());
  }
  std::unique_ptr<Source> source = MustOpen(cfg);
  ASSERT_NE(source, nullptr);
  const std::vector<std::string> uids = MustList(*source);
  ASSERT_EQ(uids.size(), 1u);
  EXPECT_NE(uids[0], acknowledged);
  // Still in the INBOX, flagged seen.
  size_t seen_files = 0;
  for (const auto& entry : fs::directory_iterator(Maildir("escrow") / "cur")) {
    const std::string name = entry.path().filename();
    if (name.find(":2,") != std::string::npos &&
        name.substr(name.find(":2,")).find('S') != std::string::npos) {
      ++seen_files;
    }
  }
  EXPECT_EQ(seen_files, 1u);
}

TEST_F(MailServersTest, ImapMissingFolderIsAConfigError) {
  config::InboxConfig cfg = Inbox("imaps", "CT_IMAPS_PORT");
  cfg.url = "imaps://escrow@127.0.0.1:" + Env("CT_IMAPS_PORT") + "/NoSuchBox";
  Result<std::unique_ptr<Source>> source = OpenSource(cfg, Password());
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().kind, ErrorKind::kConfig) << source.error().message;
}

// ------------------------------------------------------------------ POP3

TEST_F(MailServersTest, Pop3FetchesExactBytesAndDeletesAtClose) {
  EmptyMailbox("alice");
  const std::string first = Sample("pop3-1");
  const std::string second = ToLf(Sample("pop3-2"));
  Deliver("alice", first);
  Deliver("alice", second);
  const config::InboxConfig cfg = Inbox("pop3", "CT_POP3_PORT", "alice");
  std::vector<std::string> uids;
  {
    std::unique_ptr<Source> source = MustOpen(cfg);
    ASSERT_NE(source, nullptr);
    uids = MustList(*source);
    ExpectFetchesExactly(*source, uids, {first, ToCrlf(second)});
    ASSERT_TRUE(source->Acknowledge(uids[0]).has_value());
    EXPECT_EQ(MustList(*source), std::vector<std::string>{uids[1]});
    ASSERT_TRUE(source->Close().has_value());
  }
  std::unique_ptr<Source> source = MustOpen(cfg);
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(MustList(*source), std::vector<std::string>{uids[1]});
}

TEST_F(MailServersTest, Pop3sFetchesExactBytesAndOversizedHeaders) {
  EmptyMailbox("carol");
  const std::string raw = Sample("pop3s");
  const std::string big =
      Sample("pop3s-big") + std::string(200000, 'y') + "\r\n";
  Deliver("carol", raw);
  Deliver("carol", big);
  std::unique_ptr<Source> source =
      MustOpen(Inbox("pop3s", "CT_POP3S_PORT", "carol"));
  ASSERT_NE(source, nullptr);
  const std::vector<std::string> uids = MustList(*source);
  ASSERT_EQ(uids.size(), 2u);
  ExpectFetchesExactly(*source, {uids[0]}, {raw});
  Result<Fetched> fetched = source->Fetch(uids[1], 10000);
  ASSERT_TRUE(fetched.has_value()) << fetched.error().message;
  EXPECT_TRUE(fetched->oversized);
  EXPECT_EQ(fetched->size, big.size());
  EXPECT_EQ(fetched->raw, big.substr(0, big.find("\r\n\r\n") + 4));
  // The connection is still in step after the oversized RETR.
  ExpectFetchesExactly(*source, {uids[0]}, {raw});
}

// ------------------------------------------------------------------ TLS

TEST_F(MailServersTest, TlsWithoutTheHarnessCaIsRefused) {
  for (const char* ca : {"", "CT_OTHER_CA_FILE"}) {
    for (const auto& [scheme, port] :
         std::vector<std::pair<std::string, std::string>>{
             {"imaps", "CT_IMAPS_PORT"},
             {"imap", "CT_IMAP_PORT"},  // STARTTLS fails: no plaintext
             {"pop3s", "CT_POP3S_PORT"},
             {"pop3", "CT_POP3_PORT"}}) {
      SCOPED_TRACE(scheme + " with CA '" + ca + "'");
      config::InboxConfig cfg = Inbox(scheme, port);
      cfg.tls_ca_file = *ca == 0 ? "" : Env(ca);
      Result<std::unique_ptr<Source>> source = OpenSource(cfg, Password());
      ASSERT_FALSE(source.has_value());
      EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
      EXPECT_NE(source.error().message.find("certificate"), std::string::npos)
          << source.error().message;
    }
  }
}

// Last: Dovecot delays every login from an address after a failed one
// (auth penalty), which would slow down the tests after it.
TEST_F(MailServersTest, ImapWrongPasswordIsAConfigErrorWithoutThePassword) {
  Result<std::unique_ptr<Source>> source =
      OpenSource(Inbox("imaps", "CT_IMAPS_PORT"), "Wr0ngPassw0rd");
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().kind, ErrorKind::kConfig) << source.error().message;
  EXPECT_NE(source.error().message.find("login"), std::string::npos);
  EXPECT_EQ(source.error().message.find("Wr0ngPassw0rd"), std::string::npos);
}

}  // namespace
}  // namespace ct::mail

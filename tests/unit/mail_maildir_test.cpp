// The maildir source, byte for byte: list, fetch, oversized, acknowledge
// with the S flag, odd names, messages moving under it. The local
// transports: mail_local_transport_test.cpp.
#include <sys/stat.h>

#include <chrono>

#include "config/config.h"
#include "local_mail_fixture.h"
#include "mail/open_source.h"
#include "mail/transport.h"

namespace ct::mail {
namespace {

// ------------------------------------------------------------ maildir source

class MaildirTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    for (const char* sub : {"new", "cur", "tmp"}) {
      fs::create_directories(dir_ / "box" / sub);
    }
  }
  fs::path Box() const { return dir_ / "box"; }
  std::unique_ptr<Source> Open() {
    config::InboxConfig cfg;
    cfg.url = "maildir://" + Box().string();
    Result<std::unique_ptr<Source>> source = OpenSource(cfg, "");
    EXPECT_TRUE(source.has_value()) << source.error().message;
    return source ? std::move(*source) : nullptr;
  }
};

TEST_F(MaildirTest, ListsUnseenMessagesOfNewAndCurInNameOrder) {
  WriteFile(Box() / "new" / "1700000001.B.host", kLfMessage);
  WriteFile(Box() / "new" / "1700000000.A.host", kCrlfMessage);
  WriteFile(Box() / "cur" / "1700000002.C.host:2,S", "seen");
  WriteFile(Box() / "cur" / "1700000003.D.host:2,F", "flagged, unseen");
  WriteFile(Box() / "cur" / "1700000004.E.host:2,FRS", "seen too");
  WriteFile(Box() / "new" / ".hidden", "ignored");
  WriteFile(Box() / "tmp" / "1700000005.F.host", "being delivered");
  fs::create_directory(Box() / "new" / "subdir");
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  Result<std::vector<std::string>> uids = source->List();
  ASSERT_TRUE(uids.has_value()) << uids.error().message;
  EXPECT_EQ(*uids,
            (std::vector<std::string>{"1700000000.A.host", "1700000001.B.host",
                                      "1700000003.D.host"}));
}

TEST_F(MaildirTest, FetchesExactBytes) {
  WriteFile(Box() / "new" / "a", kCrlfMessage);
  WriteFile(Box() / "cur" / "b:2,F", kLfMessage);
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  for (const auto& [uid, bytes] :
       {std::pair{"a"s, kCrlfMessage}, std::pair{"b"s, kLfMessage}}) {
    Result<Fetched> fetched = source->Fetch(uid, 1 << 20);
    ASSERT_TRUE(fetched.has_value()) << fetched.error().message;
    EXPECT_EQ(fetched->uid, uid);
    EXPECT_EQ(fetched->raw, bytes);
    EXPECT_EQ(fetched->size, bytes.size());
    EXPECT_FALSE(fetched->oversized);
  }
  // Exactly at the limit is not oversized.
  Result<Fetched> at_limit = source->Fetch("a", kCrlfMessage.size());
  ASSERT_TRUE(at_limit.has_value());
  EXPECT_FALSE(at_limit->oversized);
}

TEST_F(MaildirTest, OversizedKeepsOnlyTheHeader) {
  const std::string header = "From: a@example.test\r\nSubject: big\r\n\r\n";
  WriteFile(Box() / "new" / "big", header + std::string(100000, 'x'));
  // A header longer than the prefix: the first 64 KiB only.
  const std::string endless = "X-Long: " + std::string(200000, 'h');
  WriteFile(Box() / "new" / "endless", endless);
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  Result<Fetched> big = source->Fetch("big", 1000);
  ASSERT_TRUE(big.has_value());
  EXPECT_TRUE(big->oversized);
  EXPECT_EQ(big->size, header.size() + 100000);
  EXPECT_EQ(big->raw, header);
  Result<Fetched> long_header = source->Fetch("endless", 1000);
  ASSERT_TRUE(long_header.has_value());
  EXPECT_TRUE(long_header->oversized);
  EXPECT_EQ(long_header->raw, endless.substr(0, kOversizedPrefix));
}

TEST_F(MaildirTest, AcknowledgeMovesToCurWithTheSeenFlag) {
  WriteFile(Box() / "new" / "a", kCrlfMessage);
  WriteFile(Box() / "cur" / "d:2,RF", kLfMessage);
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  ASSERT_TRUE(source->Acknowledge("a").has_value());
  ASSERT_TRUE(source->Acknowledge("d").has_value());
  EXPECT_TRUE(Names(Box() / "new").empty());
  EXPECT_EQ(Names(Box() / "cur"),
            (std::vector<std::string>{"a:2,S", "d:2,FRS"}));
  EXPECT_EQ(ReadFile(Box() / "cur" / "a:2,S"), kCrlfMessage);
  EXPECT_TRUE(source->List()->empty());
  // Again: nothing to do. Still fetchable (the store may re-read it).
  EXPECT_TRUE(source->Acknowledge("a").has_value());
  EXPECT_EQ(Names(Box() / "cur"),
            (std::vector<std::string>{"a:2,S", "d:2,FRS"}));
  EXPECT_EQ(source->Fetch("a", 1 << 20)->raw, kCrlfMessage);
  EXPECT_TRUE(source->Close().has_value());
}

TEST_F(MaildirTest, UnknownOrCraftedUidsAreNotFound) {
  WriteFile(dir_ / "secret", "outside the maildir");
  WriteFile(Box() / "new" / "a", kCrlfMessage);
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  for (const char* uid :
       {"nope", "", "../../secret", "new/a", ".", "..", "a:2,S"}) {
    SCOPED_TRACE(uid);
    Result<Fetched> fetched = source->Fetch(uid, 1 << 20);
    ASSERT_FALSE(fetched.has_value());
    EXPECT_EQ(fetched.error().kind, ErrorKind::kNotFound);
    Result<void> acked = source->Acknowledge(uid);
    ASSERT_FALSE(acked.has_value());
    EXPECT_EQ(acked.error().kind, ErrorKind::kNotFound);
  }
  EXPECT_EQ(Names(Box() / "new"), std::vector<std::string>{"a"});
}

TEST_F(MaildirTest, AcknowledgedMessagesAreNeverFetchedAgainNewOnesAre) {
  WriteFile(Box() / "new" / "1700000000.A.host", kCrlfMessage);
  WriteFile(Box() / "new" / "1700000001.B.host", kLfMessage);
  WriteFile(Box() / "cur" / "1600000000.old.host:2,S", "done long ago");
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(source->List()->size(), 2u);
  ASSERT_EQ(source->Fetch("1700000000.A.host", 1 << 20)->raw, kCrlfMessage);
  ASSERT_TRUE(source->Acknowledge("1700000000.A.host").has_value());
  // A later run: B is still waiting, A never comes back.
  source = Open();
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(*source->List(), std::vector<std::string>{"1700000001.B.host"});
  ASSERT_TRUE(source->Acknowledge("1700000001.B.host").has_value());
  WriteFile(Box() / "new" / "1700000002.C.host", "C");
  source = Open();
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(*source->List(), std::vector<std::string>{"1700000002.C.host"});
  EXPECT_EQ(source->Fetch("1700000002.C.host", 1 << 20)->raw, "C");
  EXPECT_EQ(Names(Box() / "cur"),
            (std::vector<std::string>{"1600000000.old.host:2,S",
                                      "1700000000.A.host:2,S",
                                      "1700000001.B.host:2,S"}));
}

TEST_F(MaildirTest, MessagesBeingDeliveredInTmpAreIgnored) {
  WriteFile(Box() / "tmp" / "1700000005.F.host", "being delivered");
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  EXPECT_TRUE(source->List()->empty());
  EXPECT_EQ(source->Fetch("1700000005.F.host", 1 << 20).error().kind,
            ErrorKind::kNotFound);
  EXPECT_EQ(source->Acknowledge("1700000005.F.host").error().kind,
            ErrorKind::kNotFound);
  EXPECT_EQ(Names(Box() / "tmp"),
            std::vector<std::string>{"1700000005.F.host"});
}

TEST_F(MaildirTest, OddNamesAreReadOrLeftAlone) {
  const std::string long_name(250, 'n');
  for (const std::string& name :
       {"1700000000.with space.host"s, "caf\xC3\xA9.host"s,
        "-starts-with-dash"s, long_name}) {
    WriteFile(Box() / "new" / name, name);
  }
  // Another info version: a base, no flags. An empty flag list in cur/.
  WriteFile(Box() / "new" / "1700000001.unknown-info:1,x", "v1");
  WriteFile(Box() / "cur" / "1700000002.noflags:2,", "no flags");
  // Not messages to us: a control character, a link (to a file outside).
  WriteFile(Box() / "new" / "bad\x01name", "control");
  WriteFile(dir_ / "secret", "outside the maildir");
  fs::create_symlink(dir_ / "secret", Box() / "new" / "1700000003.link");
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  Result<std::vector<std::string>> uids = source->List();
  ASSERT_TRUE(uids.has_value()) << uids.error().message;
  std::vector<std::string> expected = {
      "-starts-with-dash",       "1700000000.with space.host",
      "1700000001.unknown-info", "1700000002.noflags",
      "caf\xC3\xA9.host",        long_name};
  EXPECT_EQ(*uids, expected);
  for (const std::string& uid : *uids) {
    SCOPED_TRACE(uid);
    ASSERT_TRUE(source->Fetch(uid, 1 << 20).has_value());
    ASSERT_TRUE(source->Acknowledge(uid).has_value());
  }
  EXPECT_EQ(source->Fetch("1700000001.unknown-info", 1 << 20)->raw, "v1");
  EXPECT_EQ(Names(Box() / "new"),
            (std::vector<std::string>{"1700000003.link", "bad\x01name"}));
  EXPECT_TRUE(fs::exists(Box() / "cur" / "1700000002.noflags:2,S"));
  EXPECT_TRUE(fs::exists(Box() / "cur" / "1700000001.unknown-info:2,S"));
  EXPECT_EQ(source->Fetch("1700000003.link", 1 << 20).error().kind,
            ErrorKind::kNotFound);
  EXPECT_TRUE(Open()->List()->empty());
}

TEST_F(MaildirTest, AMessageThatVanishesAfterListIsNotFound) {
  WriteFile(Box() / "new" / "1700000000.A.host", kCrlfMessage);
  WriteFile(Box() / "new" / "1700000001.B.host", kLfMessage);
  std::unique_ptr<Source> source = Open();
  ASSERT_NE(source, nullptr);
  ASSERT_EQ(source->List()->size(), 2u);
  // Deleted by someone else: gone, for Fetch and for Acknowledge.
  fs::remove(Box() / "new" / "1700000000.A.host");
  EXPECT_EQ(source->Fetch("1700000000.A.host", 1 << 20).error().kind,
            ErrorKind::kNotFound);
  EXPECT_EQ(source->Acknowledge("1700000000.A.host").error().kind,
            ErrorKind::kNotFound);
  // Moved to cur/ by a mail client, not read: still ours, found there.
  fs::rename(Box() / "new" / "1700000001.B.host",
             Box() / "cur" / "1700000001.B.host:2,F");
  Result<Fetched> moved = source->Fetch("1700000001.B.host", 1 << 20);
  ASSERT_TRUE(moved.has_value()) << moved.error().message;
  EXPECT_EQ(moved->raw, kLfMessage);
  ASSERT_TRUE(source->Acknowledge("1700000001.B.host").has_value());
  EXPECT_EQ(Names(Box() / "cur"),
            std::vector<std::string>{"1700000001.B.host:2,FS"});
  EXPECT_TRUE(Open()->List()->empty());
}

TEST_F(MaildirTest, ANonMaildirIsAConfigError) {
  config::InboxConfig cfg;
  for (const std::string& url : {"maildir://" + (dir_ / "missing").string(),
                                 "maildir://" + dir_.string()}) {
    cfg.url = url;
    Result<std::unique_ptr<Source>> source = OpenSource(cfg, "");
    ASSERT_FALSE(source.has_value()) << url;
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
  }
  cfg.url = "maildir:relative";
  EXPECT_EQ(OpenSource(cfg, "").error().kind, ErrorKind::kConfig);
}

TEST(HeaderOnlyTest, CutsAfterTheFirstBlankLine) {
  EXPECT_EQ(HeaderOnly("A: 1\r\nB: 2\r\n\r\nbody\r\n\r\nmore"),
            "A: 1\r\nB: 2\r\n\r\n");
  EXPECT_EQ(HeaderOnly("A: 1\nB: 2\n\nbody\n\nmore"), "A: 1\nB: 2\n\n");
  EXPECT_EQ(HeaderOnly("A: 1\n\r\n\r\nx"), "A: 1\n\r\n\r\n");
  EXPECT_EQ(HeaderOnly("\r\nbody"), "\r\n");
  EXPECT_EQ(HeaderOnly("\nbody"), "\n");
  EXPECT_EQ(HeaderOnly("A: no end"), "A: no end");
  EXPECT_EQ(HeaderOnly(""), "");
}

}  // namespace
}  // namespace ct::mail

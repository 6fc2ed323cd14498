// The local adapters, byte for byte: the maildir source (list, fetch,
// oversized, acknowledge with the S flag, odd names, messages moving under
// it), the dir transport (atomic .eml files, mode 0640, one file per
// delivery key, stale temporary files removed) and the sendmail transport
// (arguments, stdin, exit status, timeout, a sendmail that stops reading).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/adapters.h"
#include "mail/source.h"
#include "mail/transport.h"

namespace ct::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// CRLF lines, a NUL, a lone dot, 8-bit bytes, no final newline handling.
const std::string kCrlfMessage =
    "From: alice@example.test\r\nSubject: a\r\n\r\nCT-7K3QX9A2 61\r\n"
    "nul:\0:end\r\n.\r\ncaf\xC3\xA9\r\n"s;
const std::string kLfMessage =
    "From: bob@example.test\nSubject: b\n\nbody\n\n\nno final newline"s;

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "mail_maildir_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

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

// ------------------------------------------------------------ dir transport

TEST_F(TempDirTest, DirTransportWritesExactBytesInSortableFiles) {
  config::OutboxConfig cfg;
  cfg.url = "dir://" + (dir_ / "out" / "box").string();  // created
  Result<std::unique_ptr<Transport>> transport = OpenTransport(cfg, "");
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  const Envelope env{"escrow@example.test", {"bob@example.test"}};
  const std::vector<std::string> messages = {kCrlfMessage, kLfMessage, "3",
                                             kCrlfMessage};
  ::umask(077);  // the file mode must not depend on it
  for (const std::string& raw : messages) {
    ASSERT_TRUE((*transport)->Send(env, raw).has_value());
  }
  EXPECT_TRUE(Names(dir_ / "out" / "box").size() == messages.size() &&
              Names(dir_ / "out" / "box")[0].starts_with("."))
      << "written as dot-files, named at Flush";
  ASSERT_TRUE((*transport)->Flush().has_value());
  ::umask(022);
  const std::vector<std::string> names = Names(dir_ / "out" / "box");
  ASSERT_EQ(names.size(), messages.size());
  for (size_t i = 0; i < names.size(); ++i) {
    SCOPED_TRACE(names[i]);
    EXPECT_TRUE(names[i].ends_with(".eml"));
    const fs::path file = dir_ / "out" / "box" / names[i];
    EXPECT_EQ(ReadFile(file), messages[i]);  // sorted names = sending order
    EXPECT_EQ(
        fs::status(file).permissions() & fs::perms::all,
        fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  }
  EXPECT_TRUE((*transport)->Close().has_value());
}

// Issue 8: a retry after a crash between the rename and the outbox row
// being marked sent wrote the message a second time under a new name.
TEST_F(TempDirTest, DirTransportWritesAMessageWithAKeyOnce) {
  config::OutboxConfig cfg;
  cfg.url = "dir://" + dir_.string();
  Result<std::unique_ptr<Transport>> transport = OpenTransport(cfg, "");
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  Envelope env{"escrow@example.test", {"bob@example.test"}};
  env.delivery_key = "0000000042-0123456789abcdef";
  ASSERT_TRUE((*transport)->Send(env, kCrlfMessage).has_value());
  ASSERT_TRUE((*transport)->Flush().has_value());
  // The retry (rebuilt: another Date, another signature) finds the file.
  ASSERT_TRUE((*transport)->Send(env, kLfMessage).has_value());
  env.delivery_key = "0000000043-fedcba9876543210";
  ASSERT_TRUE((*transport)->Send(env, kLfMessage).has_value());
  // The same message twice in one batch is written once too.
  ASSERT_TRUE((*transport)->Send(env, kCrlfMessage).has_value());
  ASSERT_TRUE((*transport)->Flush().has_value());
  EXPECT_EQ(Names(dir_),
            (std::vector<std::string>{"0000000042-0123456789abcdef.eml",
                                      "0000000043-fedcba9876543210.eml"}));
  EXPECT_EQ(ReadFile(dir_ / "0000000042-0123456789abcdef.eml"), kCrlfMessage);
  EXPECT_EQ(ReadFile(dir_ / "0000000043-fedcba9876543210.eml"), kLfMessage);
}

// Issue 8: ".eml.tmp" files were left behind by runs killed while writing.
TEST_F(TempDirTest, DirTransportRemovesTempFilesOfCrashedWriters) {
  const std::vector<std::string> stale = {
      ".0000000042-0123456789abcdef.eml.tmp",
      ".20261122T003325.123456789Z-4242-000001.eml.tmp"};
  for (const std::string& name : stale) WriteFile(dir_ / name, "half");
  WriteFile(dir_ / ".keep", "not ours");
  WriteFile(dir_ / "notes.eml.tmp", "not ours: not hidden");
  config::OutboxConfig cfg;
  cfg.url = "dir://" + dir_.string();
  Result<std::unique_ptr<Transport>> transport = OpenTransport(cfg, "");
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{".keep", "notes.eml.tmp"}));
  Envelope env{"escrow@example.test", {"bob@example.test"}};
  env.delivery_key = "0000000042-0123456789abcdef";
  ASSERT_TRUE((*transport)->Send(env, kCrlfMessage).has_value());
  ASSERT_TRUE((*transport)->Flush().has_value());
  EXPECT_EQ(ReadFile(dir_ / "0000000042-0123456789abcdef.eml"), kCrlfMessage);
  EXPECT_EQ(Names(dir_).size(), 3u) << "no temporary file left";
}

TEST_F(TempDirTest, DeliveryKeysAreFileNames) {
  config::OutboxConfig cfg;
  cfg.url = "dir://" + dir_.string();
  Result<std::unique_ptr<Transport>> transport = OpenTransport(cfg, "");
  ASSERT_TRUE(transport.has_value());
  Envelope env{"escrow@example.test", {"bob@example.test"}};
  for (const std::string& key :
       {"../escape"s, ".hidden"s, "a/b"s, "a b"s, "caf\xC3\xA9"s, "a\nb"s,
        std::string(kMaxDeliveryKey + 1, 'k')}) {
    SCOPED_TRACE(key);
    env.delivery_key = key;
    Result<void> sent = (*transport)->Send(env, "x");
    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::kInvalidInput);
  }
  EXPECT_TRUE(Names(dir_).empty());
  env.delivery_key = std::string(kMaxDeliveryKey, 'k');
  ASSERT_TRUE((*transport)->Send(env, "x").has_value());
  ASSERT_TRUE((*transport)->Flush().has_value());
  EXPECT_EQ(Names(dir_), std::vector<std::string>{env.delivery_key + ".eml"});
}

TEST_F(TempDirTest, TransportsRefuseBadEnvelopes) {
  config::OutboxConfig cfg;
  cfg.url = "dir://" + dir_.string();
  Result<std::unique_ptr<Transport>> transport = OpenTransport(cfg, "");
  ASSERT_TRUE(transport.has_value());
  for (const Envelope& env :
       {Envelope{"", {"bob@example.test"}}, Envelope{"a@example.test", {}},
        Envelope{"a@example.test", {"bob@example.test", "-oQ/tmp"}},
        Envelope{"a@example.test\r\nRCPT TO:<x@y>", {"bob@example.test"}},
        Envelope{"a@example.test", {"Bob <bob@example.test>"}}}) {
    Result<void> sent = (*transport)->Send(env, "x");
    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::kInvalidInput);
  }
  EXPECT_TRUE(Names(dir_).empty());
}

// ------------------------------------------------------------ sendmail

class SendmailTest : public TempDirTest {
 protected:
  // A fake sendmail: records its arguments and standard input in DIR.
  fs::path Fake(const std::string& name, const std::string& body) {
    const fs::path path = dir_ / name;
    WriteFile(path, "#!/bin/sh\n" + body);
    fs::permissions(path, fs::perms::owner_all);
    return path;
  }
  Result<std::unique_ptr<Transport>> Open(
      const fs::path& program,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    config::OutboxConfig cfg;
    cfg.url = "sendmail://" + program.string();
    return OpenTransport(cfg, "", "", timeout);
  }
};

TEST_F(SendmailTest, PipesExactBytesWithTheEnvelopeAsArguments) {
  const std::string d = dir_.string();
  const fs::path program =
      Fake("sendmail", "for a in \"$@\"; do echo \"[$a]\"; done > " + d +
                           "/args\ncat > " + d + "/stdin\n");
  Result<std::unique_ptr<Transport>> transport = Open(program);
  ASSERT_TRUE(transport.has_value()) << transport.error().message;
  const std::string big = kCrlfMessage + std::string(300000, 'z');  // > pipe
  ASSERT_TRUE((*transport)
                  ->Send(Envelope{"escrow@example.test",
                                  {"bob@example.test", "alice@example.test"}},
                         big)
                  .has_value());
  EXPECT_EQ(ReadFile(dir_ / "stdin"), big);
  EXPECT_EQ(ReadFile(dir_ / "args"),
            "[-i]\n[-f]\n[escrow@example.test]\n[--]\n[bob@example.test]\n"
            "[alice@example.test]\n");
}

TEST_F(SendmailTest, FailuresAreIoErrors) {
  const Envelope env{"escrow@example.test", {"bob@example.test"}};
  struct Case {
    std::string name, script, expected;
    std::chrono::milliseconds timeout;
  } cases[] = {
      {"fails", "cat >/dev/null; exit 75\n", "status 75",
       std::chrono::seconds(10)},
      // Exits without reading a message bigger than the pipe: no SIGPIPE
      // may kill us.
      {"quits", "exit 0\n", "sendmail", std::chrono::seconds(10)},
      {"hangs", "sleep 30\n", "timed out", std::chrono::milliseconds(300)},
      {"crashes", "kill -SEGV $$\n", "signal", std::chrono::seconds(10)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<std::unique_ptr<Transport>> transport =
        Open(Fake(c.name, c.script), c.timeout);
    ASSERT_TRUE(transport.has_value());
    const auto start = std::chrono::steady_clock::now();
    Result<void> sent =
        (*transport)->Send(env, kCrlfMessage + std::string(1 << 20, 'q'));
    ASSERT_FALSE(sent.has_value());
    EXPECT_EQ(sent.error().kind, ErrorKind::kIo);
    EXPECT_NE(sent.error().message.find(c.expected), std::string::npos)
        << sent.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start,
              std::chrono::seconds(5));
  }
}

TEST_F(SendmailTest, AMissingProgramIsAConfigError) {
  Result<std::unique_ptr<Transport>> transport = Open(dir_ / "no-sendmail");
  ASSERT_FALSE(transport.has_value());
  EXPECT_EQ(transport.error().kind, ErrorKind::kConfig);
}

}  // namespace
}  // namespace ct::mail

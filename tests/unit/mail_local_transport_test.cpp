// The local transports, byte for byte: the dir transport (atomic .eml
// files, mode 0640, one file per delivery key, stale temporary files
// removed) and the sendmail transport (arguments, stdin, exit status,
// timeout, a sendmail that stops reading).
#include <sys/stat.h>

#include <chrono>

#include "config/config.h"
#include "local_mail_fixture.h"
#include "mail/open_transport.h"
#include "mail/source.h"

namespace ct::mail {
namespace {

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

// A retry after a crash between the rename and the outbox row being marked
// sent once wrote the message a second time under a new name.
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

// ".eml.tmp" files were once left behind by runs killed while writing.
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

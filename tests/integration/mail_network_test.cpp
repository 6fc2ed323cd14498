// Network behaviour that needs no real mail server: progress timeouts
// against a port that never answers, bad certificate chains served by
// `openssl s_server` (one for another host name, one forged so that vmime's
// own verifier would take it), and the STARTTLS policy against scripted
// servers: STARTTLS sent exactly when offered, an offered one that is
// refused is an error, and off loopback a server that does not offer it
// gets a clear error and nothing else (starttls_test.cpp: real servers).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "mail/source.h"
#include "mail/transport.h"

extern char** environ;

namespace ct::mail {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

int Shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A temporary directory with a test CA (ca.crt, ca.key).
class NetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "mail_network_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    if (Shell("cd " + dir_ +
              " && openssl req -x509 -newkey ec -pkeyopt "
              "ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt "
              "-days 2 -subj '/CN=cybertroc test CA' "
              "-addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1") !=
        0) {
      GTEST_SKIP() << "openssl cannot make a test CA here";
    }
  }
  void TearDown() override { fs::remove_all(dir_); }
  const std::string& Dir() const { return dir_; }
  std::string CaFile() const { return dir_ + "/ca.crt"; }

 private:
  std::string dir_;
};

// A TLS server on loopback (openssl s_server) presenting a bad chain; gone
// when the test ends.
//   kWrongName  a certificate from our test CA, for another host name.
//   kForged     a leaf for 127.0.0.1 signed by a CA that merely has our
//               test CA's name (and no authority key id), sent with the
//               real test CA certificate: what vmime's own verifier
//               accepts.
class BadTlsServer {
 public:
  enum Kind { kWrongName, kForged };

  // `tls`: a directory holding the test CA as ca.crt and ca.key.
  BadTlsServer(const std::string& tls, int port, Kind kind) {
    const std::string ec =
        "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    std::string make;
    if (kind == kWrongName) {
      make = "openssl req -new " + ec +
             " -keyout bad.key -out bad.csr "
             "-subj /CN=wrong.example && "
             "echo subjectAltName=DNS:wrong.example > bad.ext && "
             "openssl x509 -req -in bad.csr -CA ca.crt -CAkey ca.key "
             "-CAcreateserial -days 2 -out bad.crt -extfile bad.ext && "
             "cp ca.crt chain.crt";
    } else {
      make = "openssl req -x509 " + ec +
             " -keyout fake.key -out fake.crt "
             "-days 2 -subj \"/CN=cybertroc test CA\" "
             "-addext basicConstraints=critical,CA:TRUE && "
             "openssl req -new " +
             ec +
             " -keyout bad.key -out bad.csr "
             "-subj /CN=localhost && "
             "printf \"subjectAltName=DNS:localhost,IP:127.0.0.1\\n"
             "authorityKeyIdentifier=none\\n\" > bad.ext && "
             "openssl x509 -req -in bad.csr -CA fake.crt -CAkey fake.key "
             "-CAcreateserial -days 2 -out bad.crt -extfile bad.ext && "
             "cp ca.crt chain.crt";
    }
    ok_ = Shell("cd " + tls + " && bash -euc '" + make + "' >/dev/null 2>&1") ==
          0;
    if (!ok_) return;
    std::vector<std::string> args = {"openssl",
                                     "s_server",
                                     "-quiet",
                                     "-accept",
                                     "127.0.0.1:" + std::to_string(port),
                                     "-cert",
                                     tls + "/bad.crt",
                                     "-key",
                                     tls + "/bad.key",
                                     "-cert_chain",
                                     tls + "/chain.crt"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    ok_ = ::posix_spawnp(&pid_, "openssl", &actions, nullptr, argv.data(),
                         environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    ::usleep(300000);  // let it bind
  }
  ~BadTlsServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
  pid_t pid_ = -1;
};

// A port that accepts connections (the kernel completes them) but whose
// owner never reads or writes: a hung server.
class DeadPort {
 public:
  DeadPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len);
    ::listen(fd_, 8);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~DeadPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

int FreePort() {
  DeadPort probe;
  return probe.port();
}

TEST_F(NetworkTest, CertificateForAnotherHostIsRefused) {
  const int port = FreePort();
  BadTlsServer server(Dir(), port, BadTlsServer::kWrongName);
  ASSERT_TRUE(server.ok());
  config::InboxConfig cfg;
  cfg.url = "imaps://escrow@127.0.0.1:" + std::to_string(port) + "/INBOX";
  cfg.tls_ca_file = CaFile();
  Result<std::unique_ptr<Source>> source =
      OpenSource(cfg, "pw", milliseconds(5000));
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().kind, ErrorKind::kConfig) << source.error().message;
  EXPECT_NE(source.error().message.find("not valid for host '127.0.0.1'"),
            std::string::npos)
      << source.error().message;
}

TEST_F(NetworkTest, ForgedChainIsRefused) {
  const int port = FreePort();
  BadTlsServer server(Dir(), port, BadTlsServer::kForged);
  ASSERT_TRUE(server.ok());
  config::OutboxConfig cfg;
  cfg.url = "smtps://escrow@127.0.0.1:" + std::to_string(port);
  Result<std::unique_ptr<Transport>> transport =
      OpenTransport(cfg, "pw", CaFile(), milliseconds(5000));
  ASSERT_FALSE(transport.has_value());
  EXPECT_EQ(transport.error().kind, ErrorKind::kConfig)
      << transport.error().message;
  EXPECT_NE(transport.error().message.find("signature does not verify"),
            std::string::npos)
      << transport.error().message;
}

TEST_F(NetworkTest, DeadServerTimesOutWithinTheBound) {
  DeadPort dead;
  const std::string port = std::to_string(dead.port());
  for (const std::string& url : {"imaps://escrow@127.0.0.1:" + port + "/INBOX",
                                 "imap://escrow@127.0.0.1:" + port + "/INBOX",
                                 "pop3://escrow@127.0.0.1:" + port}) {
    SCOPED_TRACE(url);
    config::InboxConfig cfg;
    cfg.url = url;
    cfg.tls_ca_file = CaFile();
    const auto start = std::chrono::steady_clock::now();
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(1500));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kIo) << source.error().message;
    EXPECT_LT(took, std::chrono::seconds(6)) << source.error().message;
  }
  config::OutboxConfig out;
  out.url = "smtps://127.0.0.1:" + port;
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<Transport>> transport =
      OpenTransport(out, "", CaFile(), milliseconds(1500));
  ASSERT_FALSE(transport.has_value());
  EXPECT_EQ(transport.error().kind, ErrorKind::kIo);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6));
}

// ------------------------------------------------------------------ STARTTLS
// No harness needed: a scripted server that offers STARTTLS and then refuses
// it, to see what the client does next.

// The first IPv4 address of an interface that is up and not loopback.
std::string NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* it = list; it != nullptr && found.empty(); it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET ||
        (it->ifa_flags & IFF_LOOPBACK) || !(it->ifa_flags & IFF_UP)) {
      continue;
    }
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<sockaddr_in*>(it->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) found = text;
  }
  ::freeifaddrs(list);
  return found;
}

// Serves one connection on all addresses: sends `greeting`, then answers
// each line the client sends with reply(line) ("" closes the connection).
// Records the lines.
class ScriptedServer {
 public:
  using Reply = std::function<std::string(const std::string&)>;

  ScriptedServer(std::string greeting, Reply reply) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    socklen_t len = sizeof addr;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len);
    ::listen(listen_fd_, 4);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, greeting, reply] { Serve(greeting, reply); });
  }
  ~ScriptedServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  void Serve(const std::string& greeting, const Reply& reply) {
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    ::send(fd, greeting.data(), greeting.size(), MSG_NOSIGNAL);
    std::string buffer;
    char chunk[1024];
    for (ssize_t n; (n = ::recv(fd, chunk, sizeof chunk, 0)) > 0;) {
      buffer.append(chunk, static_cast<size_t>(n));
      for (size_t eol; (eol = buffer.find("\r\n")) != std::string::npos;) {
        const std::string line = buffer.substr(0, eol);
        buffer.erase(0, eol + 2);
        {
          std::lock_guard<std::mutex> lock(mutex_);
          lines_.push_back(line);
        }
        const std::string answer = reply(line);
        if (answer.empty()) {
          ::close(fd);
          return;
        }
        ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
      }
    }
    ::close(fd);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

std::string ImapReply(const std::string& line) {
  const std::string tag = line.substr(0, line.find(' '));
  if (line.find("LOGOUT") != std::string::npos) return "";
  return tag + " NO not today\r\n";
}

std::string SmtpReply(const std::string& line) {
  if (line.starts_with("EHLO"))
    return "250-fake\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n";
  if (line.starts_with("STARTTLS")) return "454 4.7.0 TLS not available\r\n";
  if (line.starts_with("QUIT")) return "";
  return "502 5.5.1 no\r\n";
}

bool Received(const std::vector<std::string>& lines, const std::string& what) {
  for (const std::string& line : lines) {
    if (line.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(StartTlsPolicyTest, RefusedStartTlsStopsEverythingOffLoopback) {
  const std::string address = NonLoopbackAddress();
  if (address.empty()) GTEST_SKIP() << "no non-loopback IPv4 address";
  {
    ScriptedServer server(
        "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hi\r\n", ImapReply);
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "Secr3tPassword", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig)
        << source.error().message;
    EXPECT_NE(source.error().message.find("STARTTLS"), std::string::npos)
        << source.error().message;
    EXPECT_TRUE(Received(server.lines(), "STARTTLS"));
    EXPECT_FALSE(Received(server.lines(), "AUTHENTICATE"));
    EXPECT_FALSE(Received(server.lines(), "LOGIN"));
  }
  {
    ScriptedServer server("220 fake ESMTP\r\n", SmtpReply);
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "Secr3tPassword", "", milliseconds(3000));
    ASSERT_FALSE(transport.has_value());
    EXPECT_EQ(transport.error().kind, ErrorKind::kConfig)
        << transport.error().message;
    EXPECT_TRUE(Received(server.lines(), "STARTTLS"));
    EXPECT_FALSE(Received(server.lines(), "AUTH"));
    EXPECT_FALSE(Received(server.lines(), "MAIL"));
  }
}

// IMAP answers: CAPABILITY with `capabilities`, NO to everything else.
ScriptedServer::Reply ImapWith(std::string capabilities) {
  return [capabilities](const std::string& line) -> std::string {
    const std::string tag = line.substr(0, line.find(' '));
    if (line.find("LOGOUT") != std::string::npos) return "";
    if (line.ends_with(" CAPABILITY")) {
      return "* CAPABILITY " + capabilities + "\r\n" + tag + " OK done\r\n";
    }
    return tag + " NO not today\r\n";
  };
}

// SMTP answers: EHLO with `extensions` (one per line), 454 to STARTTLS.
ScriptedServer::Reply SmtpWith(std::vector<std::string> extensions) {
  return [extensions](const std::string& line) -> std::string {
    if (line.starts_with("EHLO")) {
      std::string reply = "250-fake\r\n";
      for (const std::string& e : extensions) reply += "250-" + e + "\r\n";
      return reply + "250 HELP\r\n";
    }
    if (line.starts_with("STARTTLS")) return "454 4.7.0 TLS not available\r\n";
    if (line.starts_with("QUIT")) return "";
    return "502 5.5.1 no\r\n";
  };
}

// An SMTP server without ESMTP: EHLO refused, HELO accepted.
std::string OldSmtpReply(const std::string& line) {
  if (line.starts_with("EHLO")) return "502 5.5.1 EHLO unknown\r\n";
  if (line.starts_with("HELO")) return "250 fake\r\n";
  if (line.starts_with("QUIT")) return "";
  return "502 5.5.1 no\r\n";
}

// POP3 answers: CAPA with `capabilities`, -ERR to everything else.
ScriptedServer::Reply Pop3With(std::vector<std::string> capabilities) {
  return [capabilities](const std::string& line) -> std::string {
    if (line == "CAPA") {
      std::string reply = "+OK\r\n";
      for (const std::string& c : capabilities) reply += c + "\r\n";
      return reply + ".\r\n";
    }
    if (line == "QUIT") return "";
    return "-ERR no\r\n";
  };
}

bool ReceivedAny(const std::vector<std::string>& lines,
                 const std::vector<std::string>& commands) {
  for (const std::string& command : commands) {
    if (Received(lines, command)) return true;
  }
  return false;
}

// Loopback: plaintext when the server does not offer STARTTLS, and then
// the command is not sent at all (vmime 0.9.2 sent it, and EHLO again).
TEST(StartTlsPolicyTest, OnLoopbackStartTlsNotOfferedIsNotSent) {
  {
    SCOPED_TRACE("IMAP, capabilities in the greeting");
    ScriptedServer server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n",
                          ImapWith("IMAP4rev1 AUTH=PLAIN"));
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "Secr3tPassword", milliseconds(3000));
    ASSERT_FALSE(source.has_value());  // the fake server refuses the login
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig)
        << source.error().message;
    EXPECT_NE(source.error().message.find("login"), std::string::npos)
        << source.error().message;
    EXPECT_EQ(source.error().message.find("Secr3tPassword"), std::string::npos);
    const std::vector<std::string> lines = server.lines();
    ASSERT_FALSE(lines.empty());
    EXPECT_TRUE(lines[0].find("AUTHENTICATE") != std::string::npos ||
                lines[0].find("LOGIN") != std::string::npos)
        << lines[0];
    EXPECT_FALSE(ReceivedAny(lines, {"STARTTLS", "CAPABILITY"}));
  }
  {
    SCOPED_TRACE("IMAP, greeting without capabilities");
    ScriptedServer server("* OK hi\r\n", ImapWith("IMAP4rev1 AUTH=PLAIN"));
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@127.0.0.1:" + std::to_string(server.port());
    ASSERT_FALSE(OpenSource(cfg, "pw", milliseconds(3000)).has_value());
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ(lines[0], "CT1 CAPABILITY");
    EXPECT_FALSE(Received(lines, "STARTTLS"));
    EXPECT_TRUE(ReceivedAny(lines, {"AUTHENTICATE", "LOGIN"}));
  }
  {
    SCOPED_TRACE("SMTP");
    ScriptedServer server("220 fake ESMTP\r\n", SmtpWith({"AUTH PLAIN"}));
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@127.0.0.1:" + std::to_string(server.port());
    ASSERT_FALSE(OpenTransport(cfg, "pw", "", milliseconds(3000)).has_value());
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("EHLO")) << lines[0];
    EXPECT_TRUE(lines[1].starts_with("AUTH")) << lines[1];
    EXPECT_FALSE(ReceivedAny(lines, {"STARTTLS", "HELO"}));
  }
  {
    SCOPED_TRACE("SMTP without ESMTP");
    ScriptedServer server("220 fake SMTP\r\n", OldSmtpReply);
    config::OutboxConfig cfg;
    cfg.url = "smtp://127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "", "", milliseconds(3000));
    ASSERT_TRUE(transport.has_value()) << transport.error().message;
    EXPECT_TRUE((*transport)->Close().has_value());
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("EHLO")) << lines[0];
    EXPECT_TRUE(lines[1].starts_with("HELO")) << lines[1];
    EXPECT_FALSE(Received(lines, "STARTTLS"));
  }
}

// Loopback: a STARTTLS that is offered and then refused is an error, with
// nothing after it: no second EHLO, no login.
TEST(StartTlsPolicyTest, OnLoopbackAnOfferedStartTlsThatIsRefusedIsAnError) {
  {
    SCOPED_TRACE("SMTP");
    ScriptedServer server("220 fake ESMTP\r\n",
                          SmtpWith({"STARTTLS", "AUTH PLAIN"}));
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "pw", "", milliseconds(3000));
    ASSERT_FALSE(transport.has_value());
    EXPECT_EQ(transport.error().kind, ErrorKind::kConfig);
    EXPECT_NE(transport.error().message.find("offered STARTTLS but refused"),
              std::string::npos)
        << transport.error().message;
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("EHLO"));
    EXPECT_EQ(lines[1], "STARTTLS");
    for (size_t i = 2; i < lines.size(); ++i) EXPECT_EQ(lines[i], "QUIT");
  }
  {
    SCOPED_TRACE("IMAP");
    ScriptedServer server("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n",
                          ImapWith("IMAP4rev1 STARTTLS"));
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
    EXPECT_TRUE(Received(server.lines(), "STARTTLS"));
    EXPECT_FALSE(ReceivedAny(server.lines(), {"AUTHENTICATE", "LOGIN "}));
  }
  {
    SCOPED_TRACE("POP3");
    ScriptedServer server("+OK hi\r\n", Pop3With({"USER", "STLS"}));
    config::InboxConfig cfg;
    cfg.url = "pop3://escrow@127.0.0.1:" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig)
        << source.error().message;
    EXPECT_NE(source.error().message.find("offered STLS but refused"),
              std::string::npos)
        << source.error().message;
    const std::vector<std::string> lines = server.lines();
    ASSERT_GE(lines.size(), 2u);
    EXPECT_EQ(lines[0], "CAPA");
    EXPECT_EQ(lines[1], "STLS");
    EXPECT_FALSE(ReceivedAny(lines, {"USER", "PASS", "AUTH", "APOP"}));
  }
}

// Off loopback TLS is required: a server that does not offer STARTTLS gets
// no STARTTLS, no login and no mail, and the error names the fix.
TEST(StartTlsPolicyTest, NotOfferedOffLoopbackIsAClearErrorAndNothingIsSent) {
  const std::string address = NonLoopbackAddress();
  if (address.empty()) GTEST_SKIP() << "no non-loopback IPv4 address";
  {
    SCOPED_TRACE("SMTP");
    ScriptedServer server("220 fake ESMTP\r\n", SmtpWith({"AUTH PLAIN"}));
    config::OutboxConfig cfg;
    cfg.url = "smtp://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "pw", "", milliseconds(3000));
    ASSERT_FALSE(transport.has_value());
    EXPECT_EQ(transport.error().kind, ErrorKind::kConfig);
    const std::string& message = transport.error().message;
    EXPECT_NE(message.find(address + ":" + std::to_string(server.port()) +
                           " does not offer STARTTLS"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("use smtps:// or enable STARTTLS on the server"),
              std::string::npos)
        << message;
    const std::vector<std::string> lines = server.lines();
    ASSERT_FALSE(lines.empty());
    EXPECT_TRUE(lines[0].starts_with("EHLO"));
    EXPECT_FALSE(ReceivedAny(lines, {"STARTTLS", "AUTH", "MAIL", "HELO"}));
  }
  {
    SCOPED_TRACE("SMTP without ESMTP");
    ScriptedServer server("220 fake SMTP\r\n", OldSmtpReply);
    config::OutboxConfig cfg;
    cfg.url = "smtp://" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Transport>> transport =
        OpenTransport(cfg, "", "", milliseconds(3000));
    ASSERT_FALSE(transport.has_value());
    EXPECT_NE(transport.error().message.find("does not offer STARTTLS"),
              std::string::npos)
        << transport.error().message;
    EXPECT_FALSE(ReceivedAny(server.lines(), {"STARTTLS", "MAIL"}));
  }
  {
    SCOPED_TRACE("IMAP");
    ScriptedServer server("* OK hi\r\n", ImapWith("IMAP4rev1 AUTH=PLAIN"));
    config::InboxConfig cfg;
    cfg.url = "imap://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
    EXPECT_NE(source.error().message.find(
                  "does not offer STARTTLS, which imap:// to a host other"),
              std::string::npos)
        << source.error().message;
    EXPECT_NE(source.error().message.find("use imaps://"), std::string::npos);
    EXPECT_FALSE(
        ReceivedAny(server.lines(), {"STARTTLS", "AUTHENTICATE", "LOGIN "}));
  }
  {
    SCOPED_TRACE("POP3");
    ScriptedServer server("+OK hi\r\n", Pop3With({"USER", "SASL PLAIN"}));
    config::InboxConfig cfg;
    cfg.url = "pop3://escrow@" + address + ":" + std::to_string(server.port());
    Result<std::unique_ptr<Source>> source =
        OpenSource(cfg, "pw", milliseconds(3000));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().kind, ErrorKind::kConfig);
    EXPECT_NE(source.error().message.find("does not offer STLS"),
              std::string::npos)
        << source.error().message;
    EXPECT_NE(source.error().message.find("use pop3s:// or enable STLS"),
              std::string::npos)
        << source.error().message;
    // The capability probe, and a polite goodbye.
    EXPECT_EQ(server.lines(), (std::vector<std::string>{"CAPA", "QUIT"}));
  }
}

}  // namespace
}  // namespace ct::mail

// Network behaviour of the mail clients that needs no real mail server:
// progress timeouts against a port that never answers, and bad certificate
// chains served by `openssl s_server` (one for another host name, one forged
// so that vmime's own verifier would take it). The STARTTLS policy against
// scripted servers: mail_network_starttls_test.cpp (starttls_test.cpp: real
// servers).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "fake_servers.h"
#include "mail/open_source.h"
#include "mail/open_transport.h"

extern char** environ;

namespace ct::mail {
namespace {

namespace fs = std::filesystem;
using cttest::DeadPort;
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

// A loopback port nobody listens on now (BadTlsServer takes it).
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

}  // namespace
}  // namespace ct::mail

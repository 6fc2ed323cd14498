// Checks the test harness itself (tests/harness/*.sh): real Dovecot and
// OpenSMTPD on loopback, throwaway GnuPG homes, mail signed by gpg and by a
// real neomutt. Uses no project code: scenario tests build on what this
// proves. Skips when the machine cannot run the servers (scripts exit 77).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const std::string kHarness = std::string(CT_TEST_SOURCE_DIR) + "/tests/harness";
constexpr int kSkip = 77;

struct Result {
  int status = -1;
  std::string output;  // stdout and stderr
};

std::string Quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// Runs COMMAND with sh, returns its exit status and output. Commands slower
// than a few seconds are reported: the harness is meant to be quick.
Result Shell(const std::string& command) {
  Result result;
  auto start = std::chrono::steady_clock::now();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (seconds > 3) {
    std::cerr << "slow (" << seconds << " s): " << command << "\n";
  }
  return result;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// KEY=VALUE lines as servers.sh and gpg.sh write them (values never contain
// spaces except when double-quoted).
std::map<std::string, std::string> ReadEnv(const fs::path& path) {
  std::map<std::string, std::string> env;
  std::istringstream lines(ReadFile(path));
  std::string line;
  while (std::getline(lines, line)) {
    auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string value = line.substr(equals + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
      value = value.substr(1, value.size() - 2);
    }
    env[line.substr(0, equals)] = value;
  }
  return env;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string ToCrlf(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

// The two parts of a multipart/signed message, raw: the signed part exactly
// as it sits between its delimiter lines (RFC 3156: the CRLF before the
// next delimiter belongs to the delimiter), and the signature part's body.
struct SignedParts {
  std::string signed_part;
  std::string signature;
};

bool SplitSigned(const std::string& message, SignedParts* parts) {
  auto key = message.find("boundary=\"");
  if (key == std::string::npos) return false;
  key += 10;
  std::string boundary =
      "\n--" + message.substr(key, message.find('"', key) - key);
  auto first = message.find(boundary);
  if (first == std::string::npos) return false;
  auto start = message.find('\n', first + 1) + 1;
  auto second = message.find(boundary, start - 1);
  if (second == std::string::npos) return false;
  size_t end = second;
  if (end > start && message[end - 1] == '\r') --end;
  parts->signed_part = message.substr(start, end - start);
  auto sig_start = message.find('\n', second + 1) + 1;
  auto sig_body = message.find("\n\n", sig_start);
  auto third = message.find(boundary, sig_start);
  if (sig_body == std::string::npos || third == std::string::npos) return false;
  parts->signature = message.substr(sig_body + 2, third + 1 - (sig_body + 2));
  return true;
}

// Skip the test when a harness script says the machine cannot run it.
#define CT_HARNESS_RUN(result, command)                               \
  Result result = Shell(command);                                       \
  if (result.status == kSkip) GTEST_SKIP() << result.output;          \
  ASSERT_EQ(result.status, 0) << (command) << "\n" << result.output

class HarnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/ct-harness-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // The servers' unprivileged users must reach the mail under it.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
    servers_ = dir_ / "servers";
    gnupg_ = dir_ / "gnupg";
    // If this process dies without TearDown, the scripts' watchdogs stop
    // what they started.
    setenv("CT_HARNESS_OWNER_PID", std::to_string(getpid()).c_str(), 1);
  }

  void TearDown() override {
    Result stop = Shell(Script("servers.sh") + " stop " + Quote(servers_));
    EXPECT_EQ(stop.status, 0) << stop.output;
    Shell(Script("gpg.sh") + " kill " + Quote(gnupg_));
    if (HasFailure()) {
      for (const char* log : {"log/dovecot.log", "log/smtpd.log"}) {
        fs::path path = servers_ / log;
        if (fs::exists(path)) {
          std::cerr << "--- " << path << "\n" << ReadFile(path);
        }
      }
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  static std::string Script(const std::string& name) {
    return Quote(kHarness + "/" + name);
  }

  std::string Servers(const std::string& args) {
    return Script("servers.sh") + " " + args;
  }

  fs::path dir_, servers_, gnupg_;
};

TEST_F(HarnessTest, DeliverPutsExactBytesInInboxReadableOverImaps) {
  CT_HARNESS_RUN(start, Servers("start " + Quote(servers_)));
  auto env = ReadEnv(servers_ / "env");
  // CRLF, a bare LF and no final newline: deliver must not touch them.
  std::string raw =
      "From: Alice <alice@example.test>\r\nTo: escrow@example.test\r\n"
      "Subject: deliver\r\nMessage-ID: <deliver@example.test>\r\n\r\n"
      "line one\r\nline two\nlast";
  WriteFile(dir_ / "raw.eml", raw);
  CT_HARNESS_RUN(deliver, Servers("deliver " + Quote(servers_) +
                                  " escrow@example.test " +
                                  Quote(dir_ / "raw.eml")));
  CT_HARNESS_RUN(fetch, Servers("fetch " + Quote(servers_) + " escrow"));
  auto files = Lines(fetch.output);
  ASSERT_EQ(files.size(), 1u) << fetch.output;
  EXPECT_EQ(ReadFile(files[0]), raw);
  EXPECT_EQ(fs::path(files[0]).parent_path().parent_path(),
            fs::path(env["CT_MAILDIR_ROOT"]) / "escrow" / "Maildir");

  // The escrow reads it over IMAPS, verifying the server with the test CA.
  std::string password = ReadFile(env["CT_PASSWORD_FILE"]);
  WriteFile(dir_ / "imap.txt", "a LOGIN escrow " + password +
                                   "\r\nb SELECT INBOX\r\nc LOGOUT\r\n");
  Result imap = Shell("openssl s_client -quiet -verify_return_error -connect 127.0.0.1:" +
                    env["CT_IMAPS_PORT"] + " -CAfile " + Quote(env["CT_CA_FILE"]) +
                    " -verify_hostname localhost < " + Quote(dir_ / "imap.txt"));
  EXPECT_NE(imap.output.find("a OK"), std::string::npos) << imap.output;
  EXPECT_NE(imap.output.find("* 1 EXISTS"), std::string::npos) << imap.output;
}

TEST_F(HarnessTest, SmtpDeliversToExampleTestOverLmtp) {
  if (Shell("command -v swaks").status != 0) {
    GTEST_SKIP() << "swaks not found (apt-get install swaks libnet-ssleay-perl)";
  }
  CT_HARNESS_RUN(start, Servers("start " + Quote(servers_)));
  auto env = ReadEnv(servers_ / "env");
  std::string password = ReadFile(env["CT_PASSWORD_FILE"]);
  std::string common = "swaks --hide-all --tls-verify --tls-ca-path " +
                       Quote(env["CT_CA_FILE"]);

  // The escrow authenticates after STARTTLS, as the product will.
  Result escrow = Shell(common + " --server localhost:" + env["CT_SMTP_PORT"] +
                      " --tls --auth PLAIN --auth-user escrow --auth-password " +
                      Quote(password) +
                      " --from escrow@example.test --to bob@example.test"
                      " --header 'Subject: from escrow' --body 'marker-starttls'");
  ASSERT_EQ(escrow.status, 0) << escrow.output;
  // A party mails the escrow without authenticating, over SMTPS.
  Result party = Shell(common + " --server 127.0.0.1:" + env["CT_SMTPS_PORT"] +
                     " --tlsc --from alice@example.test --to escrow@example.test"
                     " --body 'marker-smtps'");
  ASSERT_EQ(party.status, 0) << party.output;
  // A client trusting another CA refuses the server.
  Result untrusted = Shell("swaks --hide-all --tls-verify --tls-ca-path " +
                         Quote(env["CT_OTHER_CA_FILE"]) + " --server 127.0.0.1:" +
                         env["CT_SMTPS_PORT"] + " --tlsc --to bob@example.test");
  EXPECT_NE(untrusted.status, 0);
  // Nothing is relayed off the test domain.
  Result relay = Shell(common + " --server 127.0.0.1:" + env["CT_SMTP_PORT"] +
                     " --tls --to someone@example.org");
  EXPECT_NE(relay.status, 0);

  CT_HARNESS_RUN(wait, Servers("wait-queue " + Quote(servers_)));
  for (auto [user, marker] : std::map<std::string, std::string>{
           {"bob", "marker-starttls"}, {"escrow", "marker-smtps"}}) {
    CT_HARNESS_RUN(fetch, Servers("fetch " + Quote(servers_) + " " + user));
    auto files = Lines(fetch.output);
    ASSERT_EQ(files.size(), 1u) << user << ": " << fetch.output;
    EXPECT_NE(ReadFile(files[0]).find(marker), std::string::npos) << files[0];
  }
}

TEST_F(HarnessTest, NeomuttSignsPgpMimeVerifiableWithSubkeyOfAlice) {
  CT_HARNESS_RUN(keys, Script("gpg.sh") + " make-home " + Quote(gnupg_));
  auto fprs = ReadEnv(gnupg_ / "keys.env");
  CT_HARNESS_RUN(alice, Script("gpg.sh") + " party-home " + Quote(gnupg_) + " alice");
  CT_HARNESS_RUN(escrow, Script("gpg.sh") + " party-home " + Quote(gnupg_) + " escrow");
  fs::path alice_home = Lines(alice.output).back();
  fs::path escrow_home = Lines(escrow.output).back();

  WriteFile(dir_ / "body.txt", "CT-7K3QX9A2 61\nMerci, reçu en bon état.\n");
  CT_HARNESS_RUN(sign, Script("sign.sh") + " neomutt " + Quote(alice_home) +
                           " 'Alice <alice@example.test>' escrow@example.test " +
                           Quote(dir_ / "body.txt") + " " + Quote(dir_ / "signed.eml"));
  std::string message = ReadFile(dir_ / "signed.eml");
  SignedParts parts;
  ASSERT_TRUE(SplitSigned(message, &parts)) << message;
  EXPECT_NE(parts.signed_part.find("CT-7K3QX9A2 61"), std::string::npos);
  EXPECT_NE(parts.signature.find("BEGIN PGP SIGNATURE"), std::string::npos);
  // RFC 3156: the signature covers the first part with CRLF line ends.
  WriteFile(dir_ / "part1", ToCrlf(parts.signed_part));
  WriteFile(dir_ / "part2.asc", parts.signature);

  // Verified in the escrow's own home; signed by alice's subkey, which
  // maps to her primary key.
  Result verify = Shell("gpg --homedir " + Quote(escrow_home) +
                      " --batch --status-fd 1 --verify " + Quote(dir_ / "part2.asc") +
                      " " + Quote(dir_ / "part1"));
  ASSERT_EQ(verify.status, 0) << verify.output;
  std::string validsig = "[GNUPG:] VALIDSIG " + fprs["CT_FPR_ALICE_SUBKEY"];
  auto at = verify.output.find(validsig);
  ASSERT_NE(at, std::string::npos) << verify.output;
  std::string line = verify.output.substr(at, verify.output.find('\n', at) - at);
  EXPECT_EQ(line.substr(line.rfind(' ') + 1), fprs["CT_FPR_ALICE"]) << line;

  // The same bytes with LF line ends must not verify: the CRLF rule holds.
  WriteFile(dir_ / "part1.lf", parts.signed_part);
  Result lf = Shell("gpg --homedir " + Quote(escrow_home) + " --batch --verify " +
                  Quote(dir_ / "part2.asc") + " " + Quote(dir_ / "part1.lf"));
  EXPECT_NE(lf.status, 0) << lf.output;
}

TEST_F(HarnessTest, ClearsignAndNegativeKeys) {
  CT_HARNESS_RUN(keys, Script("gpg.sh") + " make-home " + Quote(gnupg_));
  auto fprs = ReadEnv(gnupg_ / "keys.env");
  WriteFile(dir_ / "body.txt", "CT-7K3QX9A2 00\n");

  auto sign = [&](const std::string& name, const std::string& env) {
    Result home = Shell(Script("gpg.sh") + " party-home " + Quote(gnupg_) + " " + name);
    EXPECT_EQ(home.status, 0) << home.output;
    fs::path out = dir_ / (name + ".eml");
    Result signed_mail =
        Shell(env + " " + Script("sign.sh") + " clearsign " + Quote(Lines(home.output).back()) +
            " " + name + "@example.test " + name + "@example.test escrow@example.test " +
            Quote(dir_ / "body.txt") + " " + Quote(out));
    EXPECT_EQ(signed_mail.status, 0) << signed_mail.output;
    // The body of the message is the clear-signed text.
    std::string message = ReadFile(out);
    WriteFile(dir_ / (name + ".asc"), message.substr(message.find("\n\n") + 2));
    return Shell("gpg --homedir " + Quote(gnupg_) + " --batch --status-fd 1 --verify " +
               Quote(dir_ / (name + ".asc")));
  };

  Result bob = sign("bob", "");
  EXPECT_EQ(bob.status, 0) << bob.output;
  EXPECT_NE(bob.output.find("VALIDSIG " + fprs["CT_FPR_BOB"]), std::string::npos)
      << bob.output;
  Result revoked = sign("mallory-revoked", "");
  EXPECT_NE(revoked.output.find("[GNUPG:] REVKEYSIG"), std::string::npos)
      << revoked.output;
  // The expired key signs only within its life, as if it were then.
  long expires = std::stol(fprs["CT_MALLORY_EXPIRED_EXPIRES"]);
  Result expired = sign("mallory-expired", "CT_SIGN_TIME=" + std::to_string(expires - 3600));
  EXPECT_NE(expired.output.find("[GNUPG:] EXPKEYSIG"), std::string::npos)
      << expired.output;
}

}  // namespace

// Shared helpers for the integration tests that drive the built `cybertroc`
// binary against the real mail servers and GnuPG homes of tests/harness
// (servers.sh, gpg.sh, sign.sh). Header-only, GoogleTest-free, no project
// code: a test includes it and links nothing more. Harness steps that fail
// throw std::runtime_error with the script's output (GoogleTest reports an
// exception escaping a test as a failure).
//
// Typical use (one MailWorld per test suite, one Instance per scenario):
//
//   static cttest::MailWorld* world;            // SetUpTestSuite:
//   world = new cttest::MailWorld;
//   std::string why = world->Start("mytest");   // "" ok; else Skipped()
//                                               // says skip (77) or fail
//   cttest::Instance ct(*world, "imap-1");      // fresh dir, db, dir://
//   ct.WriteConfig({"imap://escrow@127.0.0.1:" + world->Env("CT_IMAP_PORT")
//                   + "/INBOX", world->Env("CT_PASSWORD_FILE"),
//                   world->Env("CT_CA_FILE"), "Processed"});
//   world->Clearsign("alice", "CT-... 00\n", ct.dir() / "m.eml", 0,
//                    world->AutocryptHeader("alice"));
//   world->DeliverInOrder("escrow", ct.dir() / "m.eml");
//   cttest::Cmd run = ct.Run({"--json", "run"});
//   long n = ct.SqlCount("SELECT count(*) FROM events");
//   delete world;                               // TearDownTestSuite: Stop()
//
// Everything lives under a fresh /tmp/ct-<tag>-XXXXXX directory that the
// world removes at Stop(). CT_HARNESS_OWNER_PID is set to this process, so
// the harness watchdogs stop the servers and gpg-agents if the test dies.
//
// Needs CT_TEST_SOURCE_DIR and CT_BINARY (tests/CMakeLists.txt defines both)
// and the sqlite3 command-line tool (for Instance::Sql).
#ifndef CYBERTROC_TESTS_INTEGRATION_MAIL_FIXTURE_H_
#define CYBERTROC_TESTS_INTEGRATION_MAIL_FIXTURE_H_

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mail/mime.h"

namespace cttest {

namespace fs = std::filesystem;

inline const std::string kSourceDir = CT_TEST_SOURCE_DIR;
inline const std::string kHarnessDir = kSourceDir + "/tests/harness";
inline const std::string kBinary = CT_BINARY;
// Exit status of the harness scripts when the machine cannot run them.
inline constexpr int kSkipStatus = 77;

// ------------------------------------------------------------------ text

// 'text' for sh, whatever it holds.
inline std::string Quote(const std::string& text) {
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

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

inline void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

// Non-empty lines of `text`, without their CR.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// LF -> CRLF (a CRLF already there is kept): the product's own helper.
using ct::mail::ToCrlf;

// KEY=VALUE lines as servers.sh and gpg.sh write them (a value is quoted
// when it holds spaces).
inline std::map<std::string, std::string> ReadEnv(const fs::path& path) {
  std::map<std::string, std::string> env;
  for (const std::string& line : Lines(ReadFile(path))) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string value = line.substr(equals + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
      value = value.substr(1, value.size() - 2);
    }
    env[line.substr(0, equals)] = value;
  }
  return env;
}

// The unfolded value of the first header field `name` of a raw message
// ("" if absent); leading and trailing blanks removed.
inline std::string HeaderValue(const std::string& raw,
                               const std::string& name) {
  std::istringstream in(raw);
  std::string line, value;
  bool in_field = false;
  auto lower = [](std::string s) {
    for (char& c : s)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string want = lower(name) + ":";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;  // end of the header
    if (line[0] == ' ' || line[0] == '\t') {
      if (in_field) value += line;
      continue;
    }
    if (in_field) break;
    if (lower(line.substr(0, want.size())) == want) {
      in_field = true;
      value = line.substr(want.size());
    }
  }
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return value.substr(first, value.find_last_not_of(" \t") - first + 1);
}

// `raw` without the trace lines a delivering server may put on top
// (Return-Path, Delivered-To): servers.sh deliver adds none, LMTP/SMTP
// delivery does. Only leading, unfolded lines are removed.
inline std::string StripDeliveryHeaders(const std::string& raw) {
  size_t at = 0;
  for (;;) {
    const std::string_view rest(raw.data() + at, raw.size() - at);
    auto starts = [&](std::string_view prefix) {
      if (rest.size() < prefix.size()) return false;
      for (size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(rest[i])) != prefix[i])
          return false;
      }
      return true;
    };
    if (!starts("return-path:") && !starts("delivered-to:")) break;
    const size_t end = raw.find('\n', at);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return raw.substr(at);
}

// Every match of `pattern`'s first group (or whole match) in `text`.
inline std::vector<std::string> AllMatches(const std::string& text,
                                           const std::string& pattern) {
  std::vector<std::string> found;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re);
       it != std::sregex_iterator(); ++it) {
    found.push_back(it->size() > 1 ? (*it)[1].str() : (*it)[0].str());
  }
  return found;
}

// The integer value of "key": N in a JSON text (-1 when absent).
inline long JsonInt(const std::string& json, const std::string& key) {
  const auto all = AllMatches(json, "\"" + key + "\":\\s*(-?[0-9]+)");
  return all.empty() ? -1 : std::stol(all.front());
}

// The string value of the first "key": "..." in a JSON text ("" if absent;
// escapes are not decoded).
inline std::string JsonString(const std::string& json, const std::string& key) {
  const auto all = AllMatches(json, "\"" + key + "\":\\s*\"([^\"]*)\"");
  return all.empty() ? "" : all.front();
}

inline std::string HexDecode(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// ------------------------------------------------------------------ processes

struct Cmd {
  int status = -1;  // exit status; 128 + N when killed by signal N
  std::string out;  // stdout
  std::string err;  // stderr
  std::string All() const { return out + err; }
};

inline int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Runs `command` with /bin/sh; stdout and stderr captured apart.
inline Cmd Shell(const std::string& command) {
  Cmd result;
  char err_template[] = "/tmp/ct-stderr-XXXXXX";
  const int err_fd = mkstemp(err_template);
  if (err_fd < 0) return result;
  ::close(err_fd);
  FILE* pipe =
      popen(("{ " + command + "\n} 2>" + Quote(err_template)).c_str(), "r");
  if (pipe != nullptr) {
    std::array<char, 8192> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
      result.out.append(buffer.data(), n);
    }
    result.status = DecodeStatus(pclose(pipe));
  }
  result.err = ReadFile(err_template);
  ::unlink(err_template);
  return result;
}

// A command running in the background (sh -c), stdout and stderr to files.
class Background {
 public:
  Background(const std::string& command, const fs::path& out,
             const fs::path& err)
      : out_(out), err_(err) {
    pid_ = fork();
    if (pid_ == 0) {
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (o < 0 || e < 0) _exit(126);
      dup2(o, 1);
      dup2(e, 2);
      execl("/bin/sh", "sh", "-c", command.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  ~Background() {
    if (pid_ > 0 && !done_) {
      ::kill(pid_, SIGKILL);
      int status;
      waitpid(pid_, &status, 0);
    }
  }

  pid_t pid() const { return pid_; }

  // True once it has exited (reaps it).
  bool Finished() {
    if (done_ || pid_ <= 0) return true;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      done_ = true;
      result_.status = DecodeStatus(status);
    }
    return done_;
  }

  Cmd Wait() {
    if (pid_ > 0 && !done_) {
      int status;
      waitpid(pid_, &status, 0);
      done_ = true;
      result_.status = DecodeStatus(status);
    }
    result_.out = ReadFile(out_);
    result_.err = ReadFile(err_);
    return result_;
  }

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  Cmd result_;
  fs::path out_, err_;
};

// True while some process holds an flock/POSIX lock on `path`
// (/proc/locks names the file by device and inode).
inline bool FileIsLocked(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  const std::string suffix = ":" + std::to_string(st.st_ino);
  for (const std::string& line : Lines(ReadFile("/proc/locks"))) {
    std::istringstream fields(line);
    std::string field;
    std::vector<std::string> parts;
    while (fields >> field) parts.push_back(field);
    // "1: FLOCK  ADVISORY  WRITE 4242 00:2c:1234567 0 EOF" (blocked
    // waiters add a "->" column: only the holders count).
    if (parts.size() < 6 || parts[1] == "->") continue;
    const std::string& where = parts[5];
    if (where.size() > suffix.size() &&
        where.compare(where.size() - suffix.size(), suffix.size(), suffix) ==
            0) {
      return true;
    }
  }
  return false;
}

// A loopback TCP port that nothing listens on: bound, then released (the
// kernel will not hand it out again soon).
inline int ClosedLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;  // tcpmux: closed on any test machine
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// `text` with the regex special characters escaped (for AllMatches).
inline std::string RegexEscape(const std::string& text) {
  static const std::string special = R"(\^$.|?*+()[]{}/)";
  std::string out;
  for (char c : text) {
    if (special.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

// Puts FILE byte for byte into MAILDIR/new (through tmp/, creating the
// maildir if needed), under a name that sorts after every name this
// process made before: "<seconds>.M<micros>P<pid>Q<n>.ct-test", from one
// clock reading, strictly increasing (servers.sh deliver reads the clock
// twice, and a second boundary between the reads can make a later message
// sort first). Returns the file made.
inline fs::path DeliverToMaildir(const fs::path& maildir,
                                 const fs::path& file) {
  static long long last_micros = 0;
  static int sequence = 0;
  for (const char* sub : {"new", "cur", "tmp"})
    fs::create_directories(maildir / sub);
  long long micros = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  if (micros <= last_micros) micros = last_micros + 1;
  last_micros = micros;
  char name[96];
  std::snprintf(name, sizeof name, "%lld.M%06lldP%dQ%d.ct-test",
                micros / 1000000, micros % 1000000, static_cast<int>(getpid()),
                ++sequence);
  const fs::path tmp = maildir / "tmp" / name;
  WriteFile(tmp, ReadFile(file));
  fs::rename(tmp, maildir / "new" / name);
  return maildir / "new" / name;
}

// ------------------------------------------------------------------ world

// One message on the server side, as Dovecot reports it (doveadm fetch).
struct ServerMessage {
  std::string mailbox;
  std::string uid;
  std::string flags;
  std::string message_id;
  bool Seen() const { return flags.find("\\Seen") != std::string::npos; }
  bool Deleted() const { return flags.find("\\Deleted") != std::string::npos; }
};

// Helpers over a gpg.sh key directory (tests/harness/gpg.sh make-home),
// shared by MailWorld and KeyWorld.

// The primary fingerprint of harness key `name` ("alice", "operator"...)
// in `keys` (gpg.sh's keys.env: CT_FPR_ALICE...); "" when unknown.
inline std::string HarnessFpr(const std::map<std::string, std::string>& keys,
                              std::string name) {
  for (char& c : name) c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
  auto it = keys.find("CT_FPR_" + name);
  return it == keys.end() ? "" : it->second;
}

// `gpg.sh party-home GNUPG NAME`: NAME's own GnuPG home (its secret key,
// every public key). Throws when the script fails.
inline fs::path MakePartyHome(const fs::path& gnupg_dir,
                              const std::string& name) {
  Cmd home = Shell(Quote(kHarnessDir + "/gpg.sh") + " party-home " +
                   Quote(gnupg_dir) + " " + name);
  if (home.status != 0 || Lines(home.out).empty())
    throw std::runtime_error("gpg.sh party-home " + name + ": " + home.All());
  return Lines(home.out).back();
}

// A new escrow home (escrow's secret key, the operator's public key only:
// parties' keys must arrive by mail) under `gnupg_dir`, so that `gpg.sh
// kill` stops its agent. `label` makes it unique.
inline fs::path MakeEscrowHome(const fs::path& gnupg_dir,
                               const std::string& label) {
  const fs::path dest = gnupg_dir / "party" / ("escrow-" + label);
  Cmd home =
      Shell("CT_PARTY_PUBLIC_KEYS=operator " + Quote(kHarnessDir + "/gpg.sh") +
            " party-home " + Quote(gnupg_dir) + " escrow " + Quote(dest));
  if (home.status != 0)
    throw std::runtime_error("gpg.sh party-home escrow: " + home.All());
  return dest;
}

// The mail servers and GnuPG keys of tests/harness, for a whole test suite.
class MailWorld {
 public:
  MailWorld() = default;
  MailWorld(const MailWorld&) = delete;
  MailWorld& operator=(const MailWorld&) = delete;
  ~MailWorld() { Stop(); }

  // Starts Dovecot + OpenSMTPD and makes the GnuPG homes under a fresh
  // /tmp/ct-<tag>-XXXXXX. Returns "" when ready; otherwise the reason, and
  // Skipped() tells whether the machine cannot run the harness (exit 77,
  // the test should GTEST_SKIP) or it failed (the test should fail).
  std::string Start(const std::string& tag = "mail") {
    std::string pattern = "/tmp/ct-" + tag + "-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return "mkdtemp failed";
    dir_ = pattern;
    // The servers' unprivileged users must reach the mail under it.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
    setenv("CT_HARNESS_OWNER_PID", std::to_string(getpid()).c_str(), 1);
    started_ = true;
    Cmd start = Shell(Script("servers.sh") + " start " + Quote(servers_dir()));
    if (start.status != 0) return Failed(start);
    env_ = ReadEnv(servers_dir() / "env");
    Cmd keys = Shell(Script("gpg.sh") + " make-home " + Quote(gnupg_dir()));
    if (keys.status != 0) return Failed(keys);
    keys_ = ReadEnv(gnupg_dir() / "keys.env");
    return "";
  }

  bool Skipped() const { return skipped_; }

  // Stops everything Start() started and removes the directory (kept when
  // CT_KEEP_TEST_DIR is set, for a post-mortem).
  void Stop() {
    if (!started_) return;
    started_ = false;
    Shell(Script("servers.sh") + " stop " + Quote(servers_dir()));
    Shell(Script("gpg.sh") + " kill " + Quote(gnupg_dir()));
    if (getenv("CT_KEEP_TEST_DIR") == nullptr) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  const fs::path& dir() const { return dir_; }
  fs::path servers_dir() const { return dir_ / "servers"; }
  fs::path gnupg_dir() const { return dir_ / "gnupg"; }

  // servers.sh's DIR/env (CT_IMAP_PORT, CT_CA_FILE...).
  std::string Env(const std::string& key) const {
    auto it = env_.find(key);
    return it == env_.end() ? "" : it->second;
  }
  // gpg.sh's keys.env: Fpr("alice") = CT_FPR_ALICE.
  std::string Fpr(const std::string& name) const {
    return HarnessFpr(keys_, name);
  }

  // NAME's own GnuPG home (its secret key, every public key), made once.
  fs::path PartyHome(const std::string& name) {
    auto it = party_homes_.find(name);
    if (it != party_homes_.end()) return it->second;
    return party_homes_[name] = MakePartyHome(gnupg_dir(), name);
  }

  // A new escrow home (escrow's secret key, the operator's public key
  // only: parties' keys must arrive by mail) under the gnupg dir, so that
  // `gpg.sh kill` stops its agent. `label` makes it unique.
  fs::path NewEscrowHome(const std::string& label) {
    return MakeEscrowHome(gnupg_dir(), label);
  }

  // "Autocrypt: addr=NAME@example.test; keydata=..." (folded, no final
  // newline): NAME's public key, as an Autocrypt-capable client offers it.
  std::string AutocryptHeader(const std::string& name) {
    Cmd data = Shell("gpg --homedir " + Quote(gnupg_dir()) +
                     " --batch --export --export-options export-minimal " +
                     Fpr(name) + " | base64 -w 72");
    if (data.status != 0 || data.out.empty()) {
      throw std::runtime_error("cannot export the key of " + name + ": " +
                               data.All());
    }
    std::string header = "Autocrypt: addr=" + name + "@example.test; keydata=";
    bool first = true;
    for (const std::string& line : Lines(data.out)) {
      header += (first ? "" : "\n ") + line;
      first = false;
    }
    return header;
  }

  // A text/plain message clear-signed by NAME (sign.sh clearsign) from
  // NAME@example.test to escrow@example.test, written to `out` with CRLF
  // line ends (as it would cross SMTP). `sign_time` (epoch seconds, 0 =
  // now) fakes the signing time -- beware: gpg's faked clock keeps
  // running, so two messages faked "at T" may be signed T and T+1, in any
  // order; `headers` are extra header lines
  // (newline-separated, e.g. AutocryptHeader()). Returns `out`.
  fs::path Clearsign(const std::string& name, const std::string& body,
                     const fs::path& out, std::time_t sign_time = 0,
                     const std::string& headers = "",
                     const std::string& subject = "") {
    WriteFile(out.string() + ".body", body);
    std::string env;
    if (sign_time != 0)
      env += "CT_SIGN_TIME=" + std::to_string(sign_time) + " ";
    if (!headers.empty()) env += "CT_EXTRA_HEADERS=" + Quote(headers) + " ";
    if (!subject.empty()) env += "CT_SUBJECT=" + Quote(subject) + " ";
    Cmd sign = Shell(
        env + Script("sign.sh") + " clearsign " + Quote(PartyHome(name)) + " " +
        Fpr(name) + " " + name + "@example.test escrow@example.test " +
        Quote(out.string() + ".body") + " " + Quote(out.string() + ".lf"));
    if (sign.status != 0)
      throw std::runtime_error("sign.sh clearsign: " + sign.All());
    WriteFile(out, ToCrlf(ReadFile(out.string() + ".lf")));
    return out;
  }

  // A PGP/MIME message made by a real neomutt (sign.sh neomutt) signed by
  // NAME, with CRLF line ends; `headers` (e.g. AutocryptHeader()) are put
  // on top of neomutt's header, which the signature does not cover.
  // Returns the sign.sh status: 0, or 77 when neomutt/tmux are missing
  // (`out` then holds nothing); throws on other failures.
  int Neomutt(const std::string& name, const std::string& body,
              const fs::path& out, const std::string& headers = "",
              std::string* skip_reason = nullptr) {
    WriteFile(out.string() + ".body", body);
    Cmd sign = Shell(Script("sign.sh") + " neomutt " + Quote(PartyHome(name)) +
                     " " + Quote(name + "@example.test") +
                     " escrow@example.test " + Quote(out.string() + ".body") +
                     " " + Quote(out.string() + ".lf"));
    if (sign.status == kSkipStatus) {
      if (skip_reason) *skip_reason = sign.All();
      return kSkipStatus;
    }
    if (sign.status != 0)
      throw std::runtime_error("sign.sh neomutt: " + sign.All());
    std::string message = ReadFile(out.string() + ".lf");
    if (!headers.empty()) message = headers + "\n" + message;
    WriteFile(out, ToCrlf(message));
    return 0;
  }

  // servers.sh deliver: FILE into USER's INBOX byte for byte (any local
  // part works: a new one is a new, empty maildir). Returns the file made.
  fs::path Deliver(const std::string& user, const fs::path& file) {
    Cmd deliver = Shell(Script("servers.sh") + " deliver " +
                        Quote(servers_dir()) + " " + user + " " + Quote(file));
    if (deliver.status != 0 || Lines(deliver.out).empty()) {
      throw std::runtime_error("servers.sh deliver: " + deliver.All());
    }
    return Lines(deliver.out).back();
  }

  // Makes Dovecot look at USER's MAILBOX now, so that what was delivered
  // so far gets its UIDs: Deliver() then Sync() for each message gives UIDs
  // (and POP3 order) in delivery order, which one sync of several new
  // files does not promise.
  void Sync(const std::string& user,
            const std::string& mailbox = "INBOX") const {
    Doveadm("mailbox status -u " + user + " messages " + Quote(mailbox));
  }

  // Deliver() + Sync(): the message is numbered after every earlier one.
  fs::path DeliverInOrder(const std::string& user, const fs::path& file) {
    fs::path made = Deliver(user, file);
    Sync(user);
    return made;
  }

  // USER's maildir (CT_MAILDIR_ROOT/USER/Maildir).
  fs::path Maildir(const std::string& user) const {
    return fs::path(Env("CT_MAILDIR_ROOT")) / user / "Maildir";
  }

  // doveadm against this Dovecot, as root.
  Cmd Doveadm(const std::string& args) const {
    return Shell("doveadm -c " + Quote(Env("CT_DOVECOT_CONF")) + " " + args);
  }

  // Removes every message of USER's MAILBOX (no error when it does not
  // exist): a clean mailbox for the next scenario.
  void Empty(const std::string& user,
             const std::string& mailbox = "INBOX") const {
    Doveadm("expunge -u " + user + " mailbox " + Quote(mailbox) + " all");
  }

  // Every message of every mailbox of USER, as Dovecot sees it.
  std::vector<ServerMessage> ServerMessages(const std::string& user) const {
    Cmd fetch = Doveadm("-f tab fetch -u " + user +
                        " 'mailbox uid flags hdr.message-id' mailbox '*' all");
    std::vector<ServerMessage> messages;
    const auto lines = Lines(fetch.out);
    for (size_t i = 1; i < lines.size(); ++i) {  // line 0: column names
      std::vector<std::string> cells;
      std::string cell;
      std::istringstream row(lines[i]);
      while (std::getline(row, cell, '\t')) cells.push_back(cell);
      cells.resize(4);
      auto trim = [](std::string s) {
        const auto a = s.find_first_not_of(" \t");
        return a == std::string::npos
                   ? std::string()
                   : s.substr(a, s.find_last_not_of(" \t") - a + 1);
      };
      messages.push_back({cells[0], cells[1], cells[2], trim(cells[3])});
    }
    return messages;
  }

  static std::string Script(const std::string& name) {
    return Quote(kHarnessDir + "/" + name);
  }

 private:
  std::string Failed(const Cmd& cmd) {
    skipped_ = cmd.status == kSkipStatus;
    std::string text = cmd.All();
    if (!skipped_) text = "exit " + std::to_string(cmd.status) + ": " + text;
    return text.empty() ? "harness failed" : text;
  }

  fs::path dir_;
  bool started_ = false;
  bool skipped_ = false;
  std::map<std::string, std::string> env_, keys_;
  std::map<std::string, fs::path> party_homes_;
};

// ------------------------------------------------------------------ cybertroc

// [inbox] settings of one configuration.
struct InboxSettings {
  std::string url;
  std::string password_file;
  std::string tls_ca_file;
  std::string processed_folder;  // written even when empty ("" = \Seen)
};

// One cybertroc installation: a directory with its config, database,
// dir:// outbox, log file and escrow GnuPG home.
class Instance {
 public:
  Instance(MailWorld& world, const std::string& label) : world_(world) {
    dir_ = world.dir() / ("ct-" + label);
    fs::create_directories(dir_ / "out");
    gpg_home_ = world.NewEscrowHome(label);
  }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance() {
    Shell("gpgconf --homedir " + Quote(gpg_home_) + " --kill all 2>/dev/null");
  }

  const fs::path& dir() const { return dir_; }
  fs::path db() const { return dir_ / "ct.db"; }
  fs::path config() const { return dir_ / "ct.conf"; }
  fs::path outbox_dir() const { return dir_ / "out"; }
  fs::path log() const { return dir_ / "ct.log"; }
  const fs::path& gpg_home() const { return gpg_home_; }

  // Writes ct.conf; `extra` is appended as is (more INI sections).
  void WriteConfig(const InboxSettings& inbox, const std::string& extra = "") {
    std::ofstream(config())
        << "[store]\ndatabase = " << db().string() << "\n"
        << "[inbox]\nurl = " << inbox.url << "\n"
        << (inbox.password_file.empty()
                ? ""
                : "password_file = " + inbox.password_file + "\n")
        << (inbox.tls_ca_file.empty()
                ? ""
                : "tls_ca_file = " + inbox.tls_ca_file + "\n")
        << "processed_folder = " << inbox.processed_folder << "\n"
        << "[outbox]\nurl = dir://" << outbox_dir().string() << "\n"
        << "from = CyberTroc <escrow@example.test>\n"
        << "operator = operator@example.test\n"
        << "[gpg]\nhome = " << gpg_home_.string() << "\n"
        << "escrow_key = " << world_.Fpr("escrow") << "\n"
        << "operator_key = " << world_.Fpr("operator") << "\n"
        << "[rules]\ndir = " << kSourceDir << "/rules\n"
        << "[templates]\ndir = " << kSourceDir << "/templates\n"
        << "default_language = en\n"
        << "[log]\nfile = " << log().string() << "\n"
        << extra;
  }

  // The shell command line of `cybertroc --config ct.conf ARGS`, with
  // `env` (e.g. "CYBERTROC_CRASH_AT=after-store") in front.
  std::string Command(const std::vector<std::string>& args,
                      const std::string& env = "") const {
    std::string cmd = env.empty() ? "" : env + " ";
    cmd += Quote(kBinary) + " --config " + Quote(config());
    for (const auto& a : args) cmd += " " + Quote(a);
    return cmd;
  }

  Cmd Run(const std::vector<std::string>& args,
          const std::string& env = "") const {
    return Shell(Command(args, env));
  }

  // Result rows of `query` on the database, columns joined by '|'.
  std::vector<std::string> Sql(const std::string& query) const {
    Cmd sql = Shell("sqlite3 -batch -noheader -separator '|' " + Quote(db()) +
                    " " + Quote(query));
    if (sql.status != 0)
      throw std::runtime_error("sqlite3: " + query + ": " + sql.All());
    std::vector<std::string> rows;
    std::istringstream in(sql.out);
    std::string line;
    while (std::getline(in, line)) rows.push_back(line);
    return rows;
  }

  // The single number a query returns.
  long SqlCount(const std::string& query) const {
    auto rows = Sql(query);
    return rows.empty() || rows[0].empty() ? -1 : std::stol(rows[0]);
  }

  // 'text' for SQL.
  static std::string SqlText(const std::string& text) {
    std::string out = "'";
    for (char c : text)
      out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }

  // The raw bytes stored for the message with this Message-ID (all rows,
  // oldest first: exactly-once tests expect one).
  std::vector<std::string> StoredRaw(const std::string& message_id) const {
    std::vector<std::string> raws;
    for (const auto& hex :
         Sql("SELECT hex(raw) FROM inbox WHERE message_id = " +
             SqlText(message_id) + " ORDER BY id")) {
      raws.push_back(HexDecode(hex));
    }
    return raws;
  }

  // Files the dir:// outbox holds (sent mail), by name (= send order).
  std::vector<fs::path> SentFiles() const {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(outbox_dir(), ec)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with(".") && entry.is_regular_file())
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

 private:
  MailWorld& world_;
  fs::path dir_;
  fs::path gpg_home_;
};

}  // namespace cttest

#endif  // CYBERTROC_TESTS_INTEGRATION_MAIL_FIXTURE_H_

#include "maildir_world.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>

namespace cttest {

std::string IsoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string WithMessageId(const std::string& raw, const std::string& id) {
  const std::string name = "Message-ID: ";
  const size_t at = raw.find(name);
  if (at == std::string::npos) throw std::runtime_error("no Message-ID");
  const size_t end = raw.find_first_of("\r\n", at);
  return raw.substr(0, at + name.size()) + id + raw.substr(end);
}

KeyWorld::~KeyWorld() {
  if (dir_.empty()) return;
  Shell(MailWorld::Script("gpg.sh") + " kill " + Quote(gnupg_dir()));
  if (getenv("CT_KEEP_TEST_DIR") == nullptr) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
}

std::string KeyWorld::Start(const std::string& tag) {
  std::string pattern = "/tmp/ct-" + tag + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "mkdtemp failed";
  dir_ = pattern;
  setenv("CT_HARNESS_OWNER_PID", std::to_string(getpid()).c_str(), 1);
  Cmd keys =
      Shell(MailWorld::Script("gpg.sh") + " make-home " + Quote(gnupg_dir()));
  if (keys.status != 0) {
    skipped_ = keys.status == kSkipStatus;
    return "gpg.sh make-home: " + keys.All();
  }
  keys_ = ReadEnv(gnupg_dir() / "keys.env");
  return "";
}

fs::path KeyWorld::PartyHome(const std::string& name) {
  auto it = homes_.find(name);
  if (it != homes_.end()) return it->second;
  return homes_[name] = MakePartyHome(gnupg_dir(), name);
}

std::string KeyWorld::AutocryptHeader(const std::string& name) {
  auto it = autocrypt_.find(name);
  if (it != autocrypt_.end()) return it->second;
  Cmd data = Shell("gpg --homedir " + Quote(gnupg_dir()) +
                   " --batch --export --export-options export-minimal " +
                   Fpr(name) + " | base64 -w 72");
  if (data.status != 0 || data.out.empty())
    throw std::runtime_error("cannot export the key of " + name);
  std::string header = "Autocrypt: addr=" + name + "@example.test; keydata=";
  bool first = true;
  for (const std::string& line : Lines(data.out)) {
    header += (first ? "" : "\n ") + line;
    first = false;
  }
  return autocrypt_[name] = header;
}

fs::path KeyWorld::Clearsign(const std::string& name, const std::string& body,
                             const fs::path& out, std::time_t sign_time,
                             const std::string& headers,
                             const std::string& from) {
  WriteFile(out.string() + ".body", body);
  std::string env;
  if (sign_time != 0) env += "CT_SIGN_TIME=" + std::to_string(sign_time) + " ";
  if (!headers.empty()) env += "CT_EXTRA_HEADERS=" + Quote(headers) + " ";
  const std::string sender = from.empty() ? name + "@example.test" : from;
  Cmd sign =
      Shell(env + MailWorld::Script("sign.sh") + " clearsign " +
            Quote(PartyHome(name)) + " " + Fpr(name) + " " + Quote(sender) +
            " escrow@example.test " + Quote(out.string() + ".body") + " " +
            Quote(out.string() + ".lf"));
  if (sign.status != 0)
    throw std::runtime_error("sign.sh clearsign: " + sign.All());
  WriteFile(out, ToCrlf(ReadFile(out.string() + ".lf")));
  return out;
}

MaildirInstance::MaildirInstance(KeyWorld& world, const std::string& label,
                                 const std::string& extra) {
  dir_ = world.dir() / ("ct-" + label);
  for (const char* sub : {"new", "cur", "tmp"})
    fs::create_directories(maildir() / sub);
  fs::create_directories(dir_ / "out");
  gpg_home_ = world.NewEscrowHome(label);
  std::ofstream(config()) << ConfigText(
      {.inbox = "url = maildir://" + maildir().string() + "\n",
       .outbox = "url = dir://" + (dir_ / "out").string() + "\n",
       .extra = extra},
      db(), gpg_home_, log(), world.Fpr("escrow"), world.Fpr("operator"));
  // Only run, daemon and init create the database: the tests
  // that start with `open` need it made first. A failure shows up in the
  // first command's output, which every test prints.
  Shell(Quote(kBinary) + " --config " + Quote(config()) + " init");
}

MaildirInstance::~MaildirInstance() {
  Shell("gpgconf --homedir " + Quote(gpg_home_) + " --kill all 2>/dev/null");
}

Cmd MaildirInstance::Run(const std::vector<std::string>& args, std::time_t now,
                         const std::string& env,
                         const std::string& prefix) const {
  std::string cmd = "CYBERTROC_NOW=" + IsoTime(now) + " " + env + " " + prefix +
                    " " + Quote(kBinary) + " --config " + Quote(config());
  for (const auto& a : args) cmd += " " + Quote(a);
  return Shell(cmd);
}

std::vector<std::string> MaildirInstance::Sql(const std::string& query) const {
  Cmd sql = Shell("sqlite3 -batch -noheader -separator '|' " + Quote(db()) +
                  " " + Quote(query));
  if (sql.status != 0)
    throw std::runtime_error("sqlite3: " + query + ": " + sql.All());
  return Lines(sql.out);
}

long MaildirInstance::SqlCount(const std::string& query) const {
  auto rows = Sql(query);
  return rows.empty() ? -1 : std::stol(rows[0]);
}

std::string MaildirInstance::LogTail() const {
  std::string log = ReadFile(this->log());
  if (log.size() > 4000) log = "..." + log.substr(log.size() - 4000);
  return "\n--- " + this->log().string() + "\n" + log;
}

}  // namespace cttest

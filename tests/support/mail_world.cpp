#include "mail_world.h"

#include <stdlib.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>

#include "text_files.h"

namespace cttest {

std::string MailWorld::Start(const std::string& tag) {
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

void MailWorld::Stop() {
  if (!started_) return;
  started_ = false;
  Shell(Script("servers.sh") + " stop " + Quote(servers_dir()));
  Shell(Script("gpg.sh") + " kill " + Quote(gnupg_dir()));
  if (getenv("CT_KEEP_TEST_DIR") == nullptr) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
}

std::string MailWorld::Env(const std::string& key) const {
  auto it = env_.find(key);
  return it == env_.end() ? "" : it->second;
}

fs::path MailWorld::PartyHome(const std::string& name) {
  auto it = party_homes_.find(name);
  if (it != party_homes_.end()) return it->second;
  return party_homes_[name] = MakePartyHome(gnupg_dir(), name);
}

std::string MailWorld::AutocryptHeader(const std::string& name) {
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

fs::path MailWorld::Clearsign(const std::string& name, const std::string& body,
                              const fs::path& out, std::time_t sign_time,
                              const std::string& headers,
                              const std::string& subject) {
  WriteFile(out.string() + ".body", body);
  std::string env;
  if (sign_time != 0) env += "CT_SIGN_TIME=" + std::to_string(sign_time) + " ";
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

int MailWorld::Neomutt(const std::string& name, const std::string& body,
                       const fs::path& out, const std::string& headers,
                       std::string* skip_reason) {
  WriteFile(out.string() + ".body", body);
  Cmd sign =
      Shell(Script("sign.sh") + " neomutt " + Quote(PartyHome(name)) + " " +
            Quote(name + "@example.test") + " escrow@example.test " +
            Quote(out.string() + ".body") + " " + Quote(out.string() + ".lf"));
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

fs::path MailWorld::Deliver(const std::string& user, const fs::path& file) {
  Cmd deliver = Shell(Script("servers.sh") + " deliver " +
                      Quote(servers_dir()) + " " + user + " " + Quote(file));
  if (deliver.status != 0 || Lines(deliver.out).empty()) {
    throw std::runtime_error("servers.sh deliver: " + deliver.All());
  }
  return Lines(deliver.out).back();
}

void MailWorld::Sync(const std::string& user,
                     const std::string& mailbox) const {
  Doveadm("mailbox status -u " + user + " messages " + Quote(mailbox));
}

fs::path MailWorld::DeliverInOrder(const std::string& user,
                                   const fs::path& file) {
  fs::path made = Deliver(user, file);
  Sync(user);
  return made;
}

fs::path MailWorld::Maildir(const std::string& user) const {
  return fs::path(Env("CT_MAILDIR_ROOT")) / user / "Maildir";
}

Cmd MailWorld::Doveadm(const std::string& args) const {
  return Shell("doveadm -c " + Quote(Env("CT_DOVECOT_CONF")) + " " + args);
}

void MailWorld::Empty(const std::string& user,
                      const std::string& mailbox) const {
  Doveadm("expunge -u " + user + " mailbox " + Quote(mailbox) + " all");
}

namespace {

std::string Trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  return a == std::string::npos
             ? std::string()
             : s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

}  // namespace

std::vector<ServerMessage> MailWorld::ServerMessages(
    const std::string& user) const {
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
    messages.push_back({cells[0], cells[1], cells[2], Trim(cells[3])});
  }
  return messages;
}

std::string MailWorld::Script(const std::string& name) {
  return Quote(kHarnessDir + "/" + name);
}

std::string MailWorld::Failed(const Cmd& cmd) {
  skipped_ = cmd.status == kSkipStatus;
  std::string text = cmd.All();
  if (!skipped_) text = "exit " + std::to_string(cmd.status) + ": " + text;
  return text.empty() ? "harness failed" : text;
}

}  // namespace cttest

#include "instance.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness.h"
#include "text_files.h"

namespace cttest {

std::string ConfigText(const ConfigLines& lines, const fs::path& db,
                       const fs::path& gpg_home, const fs::path& log,
                       const std::string& escrow_key,
                       const std::string& operator_key) {
  return "[store]\ndatabase = " + db.string() + "\n[inbox]\n" + lines.inbox +
         "[outbox]\n" + lines.outbox + "from = " + kFrom +
         "\noperator = operator@example.test\n"
         "[gpg]\nhome = " +
         gpg_home.string() + "\nescrow_key = " + escrow_key +
         "\noperator_key = " + operator_key + "\n" + lines.gpg +
         "[rules]\ndir = " + kSourceDir +
         "/rules\n[templates]\ndir = " + kSourceDir +
         "/templates\ndefault_language = en\n[log]\n" + lines.log +
         "file = " + log.string() + "\n" + lines.extra;
}

Instance::Instance(MailWorld& world, const std::string& label) : world_(world) {
  dir_ = world.dir() / ("ct-" + label);
  fs::create_directories(dir_ / "out");
  gpg_home_ = world.NewEscrowHome(label);
}

Instance::~Instance() {
  Shell("gpgconf --homedir " + Quote(gpg_home_) + " --kill all 2>/dev/null");
}

void Instance::WriteConfig(const InboxSettings& inbox,
                           const std::string& extra) {
  std::string lines = "url = " + inbox.url + "\n";
  if (!inbox.password_file.empty())
    lines += "password_file = " + inbox.password_file + "\n";
  if (!inbox.tls_ca_file.empty())
    lines += "tls_ca_file = " + inbox.tls_ca_file + "\n";
  lines += "processed_folder = " + inbox.processed_folder + "\n";
  WriteConfig({.inbox = lines,
               .outbox = "url = dir://" + outbox_dir().string() + "\n",
               .extra = extra});
}

void Instance::WriteConfig(const ConfigLines& lines) {
  std::ofstream(config()) << ConfigText(lines, db(), gpg_home_, log(),
                                        world_.Fpr("escrow"),
                                        world_.Fpr("operator"));
}

std::string Instance::Command(const std::vector<std::string>& args,
                              const std::string& env) const {
  std::string cmd = env.empty() ? "" : env + " ";
  cmd += Quote(kBinary) + " --config " + Quote(config());
  for (const auto& a : args) cmd += " " + Quote(a);
  return cmd;
}

std::vector<std::string> Instance::Sql(const std::string& query) const {
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

long Instance::SqlCount(const std::string& query) const {
  auto rows = Sql(query);
  return rows.empty() || rows[0].empty() ? -1 : std::stol(rows[0]);
}

std::string Instance::SqlText(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> Instance::StoredRaw(
    const std::string& message_id) const {
  std::vector<std::string> raws;
  for (const auto& hex : Sql("SELECT hex(raw) FROM inbox WHERE message_id = " +
                             SqlText(message_id) + " ORDER BY id")) {
    raws.push_back(HexDecode(hex));
  }
  return raws;
}

std::vector<fs::path> Instance::SentFiles() const {
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

}  // namespace cttest

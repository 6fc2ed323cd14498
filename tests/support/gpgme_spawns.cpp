#include "gpgme_spawns.h"

#include <fstream>
#include <sstream>

namespace cttest {

bool Spawn::Has(const std::string& arg) const {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

bool Spawn::IsSetUp() const {
  return argv.empty() || argv[0].ends_with("gpgconf") || Has("--version");
}

bool Spawn::IsVerify() const {
  return Has("--verify") || (Has("--output") && !Has("--encrypt") &&
                             !Has("--sign") && !Has("--decrypt") && !IsSetUp());
}

std::string Spawn::Text() const {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

std::vector<Spawn> ParseSpawns(const std::string& text) {
  std::vector<Spawn> spawns;
  std::istringstream in(text);
  const std::string enter = "_gpgme_io_spawn: enter:";
  const std::string arg = "_gpgme_io_spawn: check: argv[";
  for (std::string line; std::getline(in, line);) {
    if (line.find(enter) != std::string::npos) {
      spawns.emplace_back();
      continue;
    }
    const size_t at = line.find(arg);
    if (at == std::string::npos || spawns.empty()) continue;
    const size_t eq = line.find("] = ", at);
    if (eq != std::string::npos)
      spawns.back().argv.push_back(line.substr(eq + 4));
  }
  return spawns;
}

std::vector<Spawn> SpawnsInFile(const std::string& path, size_t offset) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return {};
  std::stringstream all;
  all << file.rdbuf();
  const std::string text = all.str();
  return ParseSpawns(offset < text.size() ? text.substr(offset) : "");
}

size_t FileSize(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  return file ? static_cast<size_t>(file.tellg()) : 0;
}

std::string Describe(const std::vector<Spawn>& spawns) {
  std::string out;
  for (const auto& s : spawns) out += "  " + s.Text() + "\n";
  return out;
}

}  // namespace cttest

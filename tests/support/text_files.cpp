#include "text_files.h"

#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>
#include <string_view>

namespace cttest {

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

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::map<std::string, std::string> ReadEnv(const fs::path& path) {
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

std::string HeaderValue(const std::string& raw, const std::string& name) {
  std::istringstream in(raw);
  std::string line, value;
  bool in_field = false;
  const std::string want = Lower(name) + ":";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;  // end of the header
    if (line[0] == ' ' || line[0] == '\t') {
      if (in_field) value += line;
      continue;
    }
    if (in_field) break;
    if (Lower(line.substr(0, want.size())) == want) {
      in_field = true;
      value = line.substr(want.size());
    }
  }
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return value.substr(first, value.find_last_not_of(" \t") - first + 1);
}

std::string StripDeliveryHeaders(const std::string& raw) {
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

std::vector<std::string> AllMatches(const std::string& text,
                                    const std::string& pattern) {
  std::vector<std::string> found;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re);
       it != std::sregex_iterator(); ++it) {
    found.push_back(it->size() > 1 ? (*it)[1].str() : (*it)[0].str());
  }
  return found;
}

std::string RegexEscape(const std::string& text) {
  static const std::string special = R"(\^$.|?*+()[]{}/)";
  std::string out;
  for (char c : text) {
    if (special.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string HexDecode(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

}  // namespace cttest

#include "mime_entity.h"

#include <algorithm>
#include <cstdint>
#include <regex>

#include "text_files.h"

namespace cttest {

std::vector<std::string> Entity::All(const std::string& name) const {
  std::vector<std::string> values;
  for (const auto& [n, v] : fields)
    if (Lower(n) == Lower(name)) values.push_back(v);
  return values;
}

std::string Entity::Get(const std::string& name) const {
  auto values = All(name);
  return values.empty() ? "" : values.front();
}

Entity ParseEntity(const std::string& text) {
  Entity e;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find("\r\n", at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = std::min(text.size(), end + 2);
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !e.fields.empty()) {
      e.fields.back().second += line;  // unfold: the CRLF goes, the blank stays
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    e.fields.emplace_back(line.substr(0, colon), value);
  }
  e.body = text.substr(at);
  for (auto& [name, value] : e.fields) {
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
      value.pop_back();
  }
  return e;
}

std::string Param(const std::string& value, const std::string& name) {
  const std::string lower = Lower(value);
  size_t at = 0;
  while ((at = lower.find(Lower(name) + "=", at)) != std::string::npos) {
    if (at == 0 || lower[at - 1] == ';' || lower[at - 1] == ' ' ||
        lower[at - 1] == '\t') {
      size_t start = at + name.size() + 1;
      if (start < value.size() && value[start] == '"') {
        return value.substr(start + 1, value.find('"', start + 1) - start - 1);
      }
      size_t end = value.find_first_of("; \t", start);
      return value.substr(
          start, end == std::string::npos ? std::string::npos : end - start);
    }
    ++at;
  }
  return "";
}

std::vector<std::string> Parts(const Entity& e) {
  std::vector<std::string> parts;
  const std::string boundary = Param(e.Get("Content-Type"), "boundary");
  if (boundary.empty()) return parts;
  const std::string delimiter = "--" + boundary;
  const std::string& body = e.body;
  size_t at = body.starts_with(delimiter) ? 0 : body.find("\r\n" + delimiter);
  if (at == std::string::npos) return parts;
  if (at != 0) at += 2;
  for (;;) {
    if (body.compare(at + delimiter.size(), 2, "--") == 0) break;  // close
    const size_t start = body.find("\r\n", at);
    if (start == std::string::npos) break;
    const size_t next = body.find("\r\n" + delimiter, start + 2);
    if (next == std::string::npos) break;
    parts.push_back(body.substr(start + 2, next - start - 2));
    at = next + 2;
  }
  return parts;
}

std::string Base64Decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  uint32_t acc = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string QuotedPrintableDecode(const std::string& in, bool header) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && i + 2 < in.size() && in[i + 1] == '\r' &&
        in[i + 2] == '\n') {
      i += 2;  // soft line break
    } else if (in[i] == '=' && i + 1 < in.size() && in[i + 1] == '\n') {
      i += 1;
    } else if (in[i] == '=' && i + 2 < in.size() && hex(in[i + 1]) >= 0 &&
               hex(in[i + 2]) >= 0) {
      out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
    } else if (header && in[i] == '_') {
      out += ' ';
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string DecodeHeader(const std::string& value) {
  static const std::regex word(R"(=\?([^?]+)\?([BbQq])\?([^?]*)\?=)");
  std::string out;
  size_t at = 0;
  bool last_was_word = false;
  for (auto it = std::sregex_iterator(value.begin(), value.end(), word);
       it != std::sregex_iterator(); ++it) {
    const std::string between = value.substr(at, it->position() - at);
    if (!(last_was_word &&
          between.find_first_not_of(" \t") == std::string::npos)) {
      out += between;
    }
    const std::string encoding = (*it)[2];
    out += encoding == "B" || encoding == "b"
               ? Base64Decode((*it)[3])
               : QuotedPrintableDecode((*it)[3], true);
    at = it->position() + it->length();
    last_was_word = true;
  }
  return out + value.substr(at);
}

std::string ToLf(std::string text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

}  // namespace cttest

// Helpers for corpus_test.cpp: shell commands, files, a small JSON reader
// (for `cybertroc --json …` output), MIME re-encodings a relay would make,
// and read-only queries on the cybertroc database. Test code only.
#ifndef CYBERTROC_TESTS_INTEGRATION_CORPUS_UTIL_H_
#define CYBERTROC_TESTS_INTEGRATION_CORPUS_UTIL_H_

#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "mail/mime.h"

namespace corpus {

namespace fs = std::filesystem;

// ------------------------------------------------------------------ shell

inline std::string Quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

struct ShellResult {
  int status = -1;     // exit status; -1 when killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr
  double seconds = 0;  // wall time
};

// Runs `command` with sh; stderr goes to `err_file` and is read back.
inline ShellResult Shell(const std::string& command, const fs::path& err_file) {
  ShellResult result;
  const auto start = std::chrono::steady_clock::now();
  FILE* pipe = popen((command + " 2>" + Quote(err_file.string())).c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 65536> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::ifstream in(err_file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  result.err = text.str();
  return result;
}

inline bool HaveTool(const std::string& tool) {
  return std::system(
             ("command -v " + Quote(tool) + " >/dev/null 2>&1").c_str()) == 0;
}

// ------------------------------------------------------------------ files

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

inline void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// KEY=VALUE lines (gpg.sh keys.env).
inline std::map<std::string, std::string> ReadEnv(const fs::path& path) {
  std::map<std::string, std::string> env;
  std::istringstream lines(ReadFile(path));
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"')
      value = value.substr(1, value.size() - 2);
    env[line.substr(0, eq)] = value;
  }
  return env;
}

// Copies the regular files and directories under `from` (sockets of a
// running gpg-agent and other special files are left out).
inline void CopyTree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    const fs::path target = to / entry.path().filename();
    if (entry.is_symlink()) continue;
    if (entry.is_directory()) {
      CopyTree(entry.path(), target);
      fs::permissions(target, fs::status(entry.path()).permissions());
    } else if (entry.is_regular_file()) {
      fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing);
    }
  }
  fs::permissions(to, fs::status(from).permissions());
}

// ------------------------------------------------------------------ text

inline bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

inline std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline bool ContainsNoCase(const std::string& hay, const std::string& needle) {
  return Contains(Lower(hay), Lower(needle));
}

inline std::string ReplaceAll(std::string text, const std::string& from,
                              const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// LF -> CRLF (a CRLF already there is kept): the product's own helper.
using ct::mail::ToCrlf;

// ISO 8601 UTC, as CYBERTROC_NOW wants it.
inline std::string IsoTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

inline long long EpochNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ------------------------------------------------------------------ mail

// A message as header block and body (split at the first empty line; the
// header block keeps its final line break, the body starts after the
// empty line).
struct Message {
  std::string head;
  std::string body;

  static Message Split(const std::string& raw) {
    size_t at = raw.find("\n\n");
    size_t skip = 2;
    size_t crlf = raw.find("\r\n\r\n");
    if (crlf != std::string::npos && (at == std::string::npos || crlf < at)) {
      at = crlf;
      skip = 4;
    }
    if (at == std::string::npos) return {raw, ""};
    return {raw.substr(0, at + skip / 2), raw.substr(at + skip)};
  }
  std::string Join() const { return head + "\n" + body; }

  // Value of the first header `name` (unfolded), "" if none.
  std::string Header(const std::string& name) const {
    std::istringstream lines(head);
    std::string value;
    bool in = false;
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (in && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
        value += " " + line.substr(line.find_first_not_of(" \t"));
        continue;
      }
      if (in) return value;
      auto colon = line.find(':');
      if (colon != std::string::npos &&
          Lower(line.substr(0, colon)) == Lower(name)) {
        in = true;
        value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
      }
    }
    return value;
  }

  // Replaces header `name` (with its continuation lines) by `name: value`,
  // or appends it when absent.
  void SetHeader(const std::string& name, const std::string& value) {
    std::istringstream lines(head);
    std::string out;
    bool replaced = false, skipping = false;
    for (std::string line; std::getline(lines, line);) {
      if (skipping && !line.empty() && (line[0] == ' ' || line[0] == '\t'))
        continue;
      skipping = false;
      auto colon = line.find(':');
      if (colon != std::string::npos &&
          Lower(line.substr(0, colon)) == Lower(name)) {
        skipping = true;
        if (!replaced) out += name + ": " + value + "\n";
        replaced = true;
        continue;
      }
      out += line + "\n";
    }
    if (!replaced) out += name + ": " + value + "\n";
    head = out;
  }
};

inline std::string Base64(const std::string& data, size_t line = 76) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out, row;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (i + 2 < data.size()) n |= static_cast<unsigned char>(data[i + 2]);
    row += kAlphabet[(n >> 18) & 63];
    row += kAlphabet[(n >> 12) & 63];
    row += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    row += i + 2 < data.size() ? kAlphabet[n & 63] : '=';
    if (row.size() >= line) {
      out += row + "\n";
      row.clear();
    }
  }
  if (!row.empty()) out += row + "\n";
  return out;
}

// Quoted-printable as a relay writes it (RFC 2045 6.7): lines of at most
// 76 characters with soft breaks, '=' and non-ASCII escaped, trailing
// blanks escaped. Input lines end with LF.
inline std::string QuotedPrintable(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  std::istringstream lines(text);
  std::string line;
  bool last_newline = !text.empty() && text.back() == '\n';
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  for (size_t li = 0; li < all.size(); ++li) {
    const std::string& l = all[li];
    std::string row;
    for (size_t i = 0; i < l.size(); ++i) {
      unsigned char c = l[i];
      bool trailing_blank = (c == ' ' || c == '\t') && i + 1 == l.size();
      std::string piece;
      if (c == '=' || c >= 0x7F || (c < 0x20 && c != '\t') || trailing_blank) {
        piece = std::string("=") + kHex[c >> 4] + kHex[c & 15];
      } else {
        piece = std::string(1, static_cast<char>(c));
      }
      if (row.size() + piece.size() > 75) {
        out += row + "=\n";
        row.clear();
      }
      row += piece;
    }
    out += row;
    if (li + 1 < all.size() || last_newline) out += "\n";
  }
  return out;
}

inline std::string DecodeQuotedPrintable(const std::string& in) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (i + 1 < in.size() && in[i + 1] == '\n') {
      i += 1;
    } else if (i + 2 < in.size() && hex(in[i + 1]) >= 0 &&
               hex(in[i + 2]) >= 0) {
      out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

// A PGP/MIME encrypted message (RFC 3156 section 4) carrying `armored`
// (an ASCII-armored OpenPGP message), after the header block `head` (LF
// lines, without Content-Type and without the empty line).
inline std::string PgpMimeEncrypted(const std::string& head,
                                    const std::string& armored,
                                    const std::string& boundary) {
  return head +
         "MIME-Version: 1.0\nContent-Type: multipart/encrypted;\n"
         "\tprotocol=\"application/pgp-encrypted\"; boundary=\"" +
         boundary +
         "\"\n\nThis is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\n"
         "--" +
         boundary +
         "\nContent-Type: application/pgp-encrypted\n"
         "Content-Description: PGP/MIME version identification\n\nVersion: "
         "1\n\n"
         "--" +
         boundary +
         "\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n"
         "Content-Description: OpenPGP encrypted message\n"
         "Content-Disposition: inline; filename=\"encrypted.asc\"\n\n" +
         armored + "\n--" + boundary + "--\n";
}

// The boundary parameter of a Content-Type value.
inline std::string BoundaryOf(const std::string& content_type) {
  size_t at = Lower(content_type).find("boundary=");
  if (at == std::string::npos) return "";
  std::string b = content_type.substr(at + 9);
  if (!b.empty() && b[0] == '"') return b.substr(1, b.find('"', 1) - 1);
  return b.substr(0, b.find_first_of("; \t"));
}

// ------------------------------------------------------------------ JSON

// Just enough JSON to read cybertroc's output and compare parts of it.
struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string text;  // string value, or the number's / bool's literal
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  const Json* Find(const std::string& key) const {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
  std::string Str(const std::string& key) const {
    const Json* v = Find(key);
    return v ? v->text : "";
  }
  bool IsTrue(const std::string& key) const {
    const Json* v = Find(key);
    return v && v->kind == Kind::kBool && v->text == "true";
  }
  void Erase(const std::string& key) {
    for (auto it = members.begin(); it != members.end(); ++it)
      if (it->first == key) {
        members.erase(it);
        return;
      }
  }

  // Canonical text, for comparisons.
  std::string Dump() const {
    switch (kind) {
      case Kind::kNull:
        return "null";
      case Kind::kBool:
      case Kind::kNumber:
        return text;
      case Kind::kString: {
        std::string out = "\"";
        for (char c : text) {
          if (c == '"' || c == '\\') out += '\\';
          if (c == '\n') {
            out += "\\n";
            continue;
          }
          out += c;
        }
        return out + "\"";
      }
      case Kind::kArray: {
        std::string out = "[";
        for (size_t i = 0; i < items.size(); ++i)
          out += (i ? ", " : "") + items[i].Dump();
        return out + "]";
      }
      case Kind::kObject: {
        std::string out = "{";
        for (size_t i = 0; i < members.size(); ++i)
          out += (i ? ", " : "") + ("\"" + members[i].first + "\": ") +
                 members[i].second.Dump();
        return out + "}";
      }
    }
    return "";
  }

  static std::optional<Json> Parse(const std::string& s) {
    size_t at = 0;
    Json out;
    if (!ParseValue(s, at, out)) return std::nullopt;
    SkipWs(s, at);
    if (at != s.size()) return std::nullopt;
    return out;
  }

 private:
  static void SkipWs(const std::string& s, size_t& at) {
    while (at < s.size() && std::isspace(static_cast<unsigned char>(s[at])))
      ++at;
  }
  static void AppendUtf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  static bool ParseString(const std::string& s, size_t& at, std::string& out) {
    if (at >= s.size() || s[at] != '"') return false;
    ++at;
    while (at < s.size() && s[at] != '"') {
      char c = s[at++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at >= s.size()) return false;
      char e = s[at++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          if (at + 4 > s.size()) return false;
          AppendUtf8(out, std::stoul(s.substr(at, 4), nullptr, 16));
          at += 4;
          break;
        }
        default:
          out += e;
      }
    }
    if (at >= s.size()) return false;
    ++at;
    return true;
  }
  static bool ParseValue(const std::string& s, size_t& at, Json& out) {
    SkipWs(s, at);
    if (at >= s.size()) return false;
    char c = s[at];
    if (c == '{') {
      out.kind = Kind::kObject;
      ++at;
      SkipWs(s, at);
      if (at < s.size() && s[at] == '}') return ++at, true;
      while (true) {
        SkipWs(s, at);
        std::string key;
        if (!ParseString(s, at, key)) return false;
        SkipWs(s, at);
        if (at >= s.size() || s[at] != ':') return false;
        ++at;
        Json value;
        if (!ParseValue(s, at, value)) return false;
        out.members.emplace_back(std::move(key), std::move(value));
        SkipWs(s, at);
        if (at < s.size() && s[at] == ',') {
          ++at;
          continue;
        }
        if (at < s.size() && s[at] == '}') return ++at, true;
        return false;
      }
    }
    if (c == '[') {
      out.kind = Kind::kArray;
      ++at;
      SkipWs(s, at);
      if (at < s.size() && s[at] == ']') return ++at, true;
      while (true) {
        Json value;
        if (!ParseValue(s, at, value)) return false;
        out.items.push_back(std::move(value));
        SkipWs(s, at);
        if (at < s.size() && s[at] == ',') {
          ++at;
          continue;
        }
        if (at < s.size() && s[at] == ']') return ++at, true;
        return false;
      }
    }
    if (c == '"') {
      out.kind = Kind::kString;
      return ParseString(s, at, out.text);
    }
    for (const char* word : {"true", "false", "null"}) {
      std::string w = word;
      if (s.compare(at, w.size(), w) == 0) {
        out.kind = w == "null" ? Kind::kNull : Kind::kBool;
        out.text = w;
        at += w.size();
        return true;
      }
    }
    size_t start = at;
    while (at < s.size() &&
           (std::isdigit(static_cast<unsigned char>(s[at])) || s[at] == '-' ||
            s[at] == '+' || s[at] == '.' || s[at] == 'e' || s[at] == 'E'))
      ++at;
    if (at == start) return false;
    out.kind = Kind::kNumber;
    out.text = s.substr(start, at - start);
    return true;
  }
};

// ------------------------------------------------------------------ SQLite

struct InboxRow {
  bool found = false;
  std::string status, outcome, deal_id;
  size_t raw_size = 0;
};

struct OutboxRow {
  std::string to, role, kind, templates, subject, body, status;
};

// Read-only view of a cybertroc database (opened per query: the binary
// writes it between queries).
class Db {
 public:
  explicit Db(const fs::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) !=
        SQLITE_OK) {
      sqlite3_close(db_);
      db_ = nullptr;
    }
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  bool ok() const { return db_ != nullptr; }

  // Rows of `sql` with one text parameter, every column as text.
  std::vector<std::vector<std::string>> Query(const std::string& sql,
                                              const std::string& param = "",
                                              bool bind = false) {
    std::vector<std::vector<std::string>> rows;
    if (!db_) return rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      return rows;
    if (bind) sqlite3_bind_text(st, 1, param.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const void* blob = sqlite3_column_blob(st, i);
        int n = sqlite3_column_bytes(st, i);
        row.emplace_back(blob ? std::string(static_cast<const char*>(blob), n)
                              : "");
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return rows;
  }

  InboxRow Inbox(const std::string& message_id) {
    InboxRow row;
    auto rows = Query(
        "SELECT status, outcome, deal_id, length(raw) FROM inbox WHERE "
        "message_id = ?1 "
        "ORDER BY id DESC LIMIT 1",
        message_id, true);
    if (rows.empty()) return row;
    row.found = true;
    row.status = rows[0][0];
    row.outcome = rows[0][1];
    row.deal_id = rows[0][2];
    row.raw_size = std::stoul(rows[0][3].empty() ? "0" : rows[0][3]);
    return row;
  }

  std::vector<OutboxRow> RepliesTo(const std::string& message_id) {
    std::vector<OutboxRow> out;
    for (auto& r : Query("SELECT to_email, to_role, kind, templates, subject, "
                         "body, status FROM outbox "
                         "WHERE in_reply_to = ?1 ORDER BY id",
                         message_id, true))
      out.push_back({r[0], r[1], r[2], r[3], r[4], r[5], r[6]});
    return out;
  }

  std::vector<std::string> AllRecipients() {
    std::vector<std::string> out;
    for (auto& r : Query("SELECT DISTINCT lower(to_email) FROM outbox"))
      out.push_back(r[0]);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace corpus

#endif  // CYBERTROC_TESTS_INTEGRATION_CORPUS_UTIL_H_

// Hand-written on purpose, beside vmime: vmime reads a message into its own
// object model and writes it out by generating it again (its own header
// folding, line ends and transfer encodings), while a PGP/MIME signature
// covers the signed part byte for byte as the sender's client produced it
// (RFC 3156 section 5). This reader only slices the raw text; see mime.h.
#include "mail/mime.h"

#include <fmt/format.h>
#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "util/text.h"

namespace ct::mail {
namespace {

// Splits off one line; `eol` receives the line ending length (0, 1 or 2).
std::string_view NextLine(std::string_view& rest, size_t* eol) {
  size_t nl = rest.find('\n');
  std::string_view line;
  if (nl == std::string_view::npos) {
    line = rest;
    rest = {};
    *eol = 0;
  } else {
    line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    *eol = 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
      *eol = 2;
    }
  }
  return line;
}

// Content-Type value: "type/subtype; name=value; name="quoted value"".
ContentType ParseContentType(std::string_view value) {
  ContentType ct;
  size_t semi = value.find(';');
  std::string_view main = util::Trim(value.substr(0, semi));
  size_t slash = main.find('/');
  if (slash != std::string_view::npos && slash > 0 && slash + 1 < main.size()) {
    ct.type = util::AsciiLower(util::Trim(main.substr(0, slash)));
    ct.subtype = util::AsciiLower(util::Trim(main.substr(slash + 1)));
  }
  std::string_view rest =
      semi == std::string_view::npos ? "" : value.substr(semi + 1);
  while (!rest.empty()) {
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string name = util::AsciiLower(util::Trim(rest.substr(0, eq)));
    rest.remove_prefix(eq + 1);
    while (!rest.empty() &&
           std::isspace(static_cast<unsigned char>(rest.front())))
      rest.remove_prefix(1);
    std::string val;
    if (!rest.empty() && rest.front() == '"') {
      size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        val += rest[i];
      }
      rest.remove_prefix(std::min(i + 1, rest.size()));
      size_t next = rest.find(';');
      rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    } else {
      size_t next = rest.find(';');
      val = std::string(util::Trim(rest.substr(0, next)));
      rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    }
    if (!name.empty() && !ct.params.contains(name)) ct.params[name] = val;
  }
  return ct;
}

std::string DecodeQuotedPrintable(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
      continue;
    }
    if (i + 1 < in.size() && in[i + 1] == '\n') {
      i += 1;
      continue;
    }  // soft break
    if (i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
      i += 2;
      continue;
    }
    int hi = i + 1 < in.size() ? util::HexValue(in[i + 1]) : -1;
    int lo = i + 2 < in.size() ? util::HexValue(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      out += '=';  // RFC 2045 6.7: leave malformed escapes as they are
      continue;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<std::string> DecodeBase64(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0, pad = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=') {
      ++pad;
      continue;
    } else if (std::isspace(static_cast<unsigned char>(c)))
      continue;
    else
      return Fail(ErrorKind::kInvalidInput, "bad base64: unexpected character");
    if (pad)
      return Fail(ErrorKind::kInvalidInput, "bad base64: data after padding");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (bits >= 6 || pad > 2)
    return Fail(ErrorKind::kInvalidInput, "bad base64: truncated");
  return out;
}

// RAII for iconv_t.
class Iconv {
 public:
  explicit Iconv(const char* from) : cd_(iconv_open("UTF-8", from)) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }

  Result<std::string> Convert(std::string_view in) {
    std::string out(in.size() * 3 + 16, '\0');
    char* src = const_cast<char*>(in.data());
    size_t src_left = in.size();
    char* dst = out.data();
    size_t dst_left = out.size();
    if (iconv(cd_, &src, &src_left, &dst, &dst_left) == static_cast<size_t>(-1))
      return Fail(ErrorKind::kInvalidInput, "text not valid in its charset");
    out.resize(out.size() - dst_left);
    return out;
  }

 private:
  iconv_t cd_;
};

}  // namespace

std::string ContentType::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

std::string Entity::Header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (util::AsciiLower(n) == util::AsciiLower(name)) return v;
  return "";
}

std::vector<std::string> Entity::Headers(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : headers)
    if (util::AsciiLower(n) == util::AsciiLower(name)) out.push_back(v);
  return out;
}

Entity ParseEntity(std::string_view raw) {
  Entity e;
  e.whole = raw;
  std::string_view rest = raw;
  size_t eol = 0;
  while (!rest.empty()) {
    std::string_view before = rest;
    std::string_view line = NextLine(rest, &eol);
    if (line.empty()) break;
    if ((line.front() == ' ' || line.front() == '\t') && !e.headers.empty()) {
      e.headers.back().second += " " + std::string(util::Trim(line));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      // Not a header: RFC 2045 readers treat the rest as body.
      rest = before;
      break;
    }
    e.headers.emplace_back(std::string(util::Trim(line.substr(0, colon))),
                           std::string(util::Trim(line.substr(colon + 1))));
  }
  e.body = rest;
  std::string ct = e.Header("Content-Type");
  if (!ct.empty()) e.type = ParseContentType(ct);
  return e;
}

Result<std::vector<std::string_view>> SplitMultipart(const Entity& entity) {
  std::string boundary = entity.type.Param("boundary");
  if (boundary.empty() || boundary.size() > 70)
    return Fail(ErrorKind::kInvalidInput, "multipart without a valid boundary");
  std::string delim = "--" + boundary;
  std::vector<std::string_view> parts;
  std::string_view rest = entity.body;
  const char* part_start = nullptr;
  const char* prev_line_end =
      nullptr;  // where the line before ended (sans EOL)
  bool closed = false;
  size_t eol = 0;
  while (!rest.empty()) {
    const char* line_start = rest.data();
    std::string_view line = NextLine(rest, &eol);
    std::string_view t = line;
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t'))
      t.remove_suffix(1);
    bool is_close = t == delim + "--";
    if (t == delim || is_close) {
      // The line break before a delimiter belongs to the delimiter.
      if (part_start)
        parts.emplace_back(
            part_start,
            (prev_line_end ? prev_line_end : line_start) - part_start);
      if (is_close) {
        closed = true;
        break;
      }
      part_start = rest.data();
      prev_line_end = nullptr;
      continue;
    }
    prev_line_end = line_start + line.size();
  }
  if (!closed)
    return Fail(ErrorKind::kInvalidInput,
                "multipart without its closing boundary");
  return parts;
}

Result<std::string> DecodeBody(const Entity& entity) {
  std::string cte =
      util::AsciiLower(util::Trim(entity.Header("Content-Transfer-Encoding")));
  if (cte.empty() || cte == "7bit" || cte == "8bit" || cte == "binary")
    return std::string(entity.body);
  if (cte == "quoted-printable") return DecodeQuotedPrintable(entity.body);
  if (cte == "base64") return DecodeBase64(entity.body);
  return Fail(ErrorKind::kInvalidInput,
              fmt::format("unknown transfer encoding '{}'", cte));
}

Result<std::string> ToUtf8(std::string_view bytes, std::string_view charset) {
  std::string cs = util::AsciiLower(util::Trim(charset));
  if (cs.empty() || cs == "us-ascii" || cs == "utf-8" || cs == "utf8") {
    if (!util::IsValidUtf8(bytes))
      return Fail(ErrorKind::kInvalidInput, "text is not valid UTF-8");
    return std::string(bytes);
  }
  const char* from = cs == "iso-8859-1" || cs == "latin1"     ? "ISO-8859-1"
                     : cs == "iso-8859-15"                    ? "ISO-8859-15"
                     : cs == "windows-1252" || cs == "cp1252" ? "WINDOWS-1252"
                                                              : nullptr;
  if (!from)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("unsupported charset '{}'", cs));
  Iconv conv(from);
  if (!conv.ok())
    return Fail(ErrorKind::kInternal, "iconv cannot convert " + cs);
  return conv.Convert(bytes);
}

std::string Unflow(std::string_view text, bool delsp) {
  std::string out;
  std::string_view rest = text;
  size_t eol = 0;
  while (!rest.empty()) {
    std::string_view line = NextLine(rest, &eol);
    if (!line.empty() && line.front() == ' ')
      line.remove_prefix(1);  // stuffing
    bool soft = !line.empty() && line.back() == ' ' && line != "-- ";
    if (soft && delsp) line.remove_suffix(1);
    out += line;
    if (!soft) out += '\n';
  }
  return out;
}

std::string ToCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

Result<std::string> PlainText(const Entity& entity) {
  auto bytes = DecodeBody(entity);
  CT_TRY(bytes);
  auto text = ToUtf8(*bytes, entity.type.Param("charset"));
  CT_TRY(text);
  if (util::AsciiLower(entity.type.Param("format")) == "flowed")
    return Unflow(*text, util::AsciiLower(entity.type.Param("delsp")) == "yes");
  return text;
}

}  // namespace ct::mail

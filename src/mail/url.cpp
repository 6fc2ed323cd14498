#include "mail/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>

#include "util/text.h"

namespace ct::mail {
namespace {

struct SchemeInfo {
  std::string_view name;
  int default_port;  // 0: a local scheme
};

constexpr std::array<SchemeInfo, 9> kSchemes = {{
    {"imap", 143},
    {"imaps", 993},
    {"pop3", 110},
    {"pop3s", 995},
    {"smtp", 587},  // submission: we are a client that authenticates
    {"smtps", 465},
    {"maildir", 0},
    {"sendmail", 0},
    {"dir", 0},
}};

const SchemeInfo* FindScheme(std::string_view name) {
  for (const SchemeInfo& info : kSchemes) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

// Percent-decodes `text`; nullopt on a bad escape or a control character,
// which could only be an attempt to inject protocol lines.
std::optional<std::string> Decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = util::HexValue(text[i + 1]);
      const int low = util::HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    out.push_back(c);
  }
  return out;
}

// Escapes what would make a redacted URL ambiguous.
std::string Encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool special = c == '%' || c == '@' || c == ':' || c == '?' ||
                         c == '#' || (c == '/' && !keep_slash) || c <= 0x20 ||
                         c == 0x7f;
    if (special) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool ValidHostName(std::string_view host) {
  return !host.empty() &&
         std::all_of(host.begin(), host.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '.' || c == '_';
         });
}

bool ValidIpv6(const std::string& host) {
  in6_addr addr;
  return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

Result<int> ParsePort(std::string_view text, const std::string& shown) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(),
                   [](unsigned char c) { return std::isdigit(c); })) {
    return Fail(ErrorKind::kConfig, "bad port in URL " + shown);
  }
  const int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) {
    return Fail(ErrorKind::kConfig, "port out of range in URL " + shown);
  }
  return port;
}

// Splits "host", "host:port", "[v6]" or "[v6]:port".
Result<void> ParseHostPort(std::string_view text, const std::string& shown,
                           MailUrl& url) {
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return Fail(ErrorKind::kConfig, "unclosed '[' in URL " + shown);
    }
    url.host = util::AsciiLower(text.substr(1, close - 1));
    if (!ValidIpv6(url.host)) {
      return Fail(ErrorKind::kConfig, "bad IPv6 address in URL " + shown);
    }
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return Fail(ErrorKind::kConfig, "junk after ']' in URL " + shown);
    }
    if (!rest.empty()) port_text = rest.substr(1);
    if (!rest.empty() && port_text.empty()) {
      return Fail(ErrorKind::kConfig, "bad port in URL " + shown);
    }
  } else {
    const size_t colon = text.find(':');
    url.host = util::AsciiLower(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = text.substr(colon + 1);
      if (port_text.empty()) {
        return Fail(ErrorKind::kConfig, "bad port in URL " + shown);
      }
    }
    if (!ValidHostName(url.host)) {
      return Fail(ErrorKind::kConfig, "missing or bad host in URL " + shown);
    }
  }
  if (port_text.empty()) return {};
  Result<int> port = ParsePort(port_text, shown);
  CT_TRY(port);
  url.port = *port;
  return {};
}

Result<void> ParseLocal(std::string_view authority, std::string_view path,
                        const std::string& shown, MailUrl& url) {
  if (!authority.empty()) {
    return Fail(ErrorKind::kConfig,
                "a " + url.scheme + " URL has no host: write " + url.scheme +
                    ":///absolute/path, got " + shown);
  }
  std::optional<std::string> decoded = Decode(path);
  if (!decoded || decoded->size() < 2 || decoded->front() != '/') {
    return Fail(ErrorKind::kConfig,
                "expected an absolute path in URL " + shown);
  }
  url.path = *decoded;
  return {};
}

Result<void> ParseNetworkPath(std::string_view path, const std::string& shown,
                              MailUrl& url) {
  std::optional<std::string> decoded =
      Decode(path.empty() ? path : path.substr(1));
  if (!decoded) {
    return Fail(ErrorKind::kConfig, "bad escape in path of URL " + shown);
  }
  if (url.scheme == "imap" || url.scheme == "imaps") {
    url.path = decoded->empty() ? "INBOX" : *decoded;
    return {};
  }
  // POP3 has one mailbox and SMTP none: a folder here is a mistake.
  const bool pop3 = url.scheme == "pop3" || url.scheme == "pop3s";
  if (decoded->empty() || (pop3 && util::AsciiLower(*decoded) == "inbox"))
    return {};
  return Fail(ErrorKind::kConfig,
              "a " + url.scheme + " URL has no folder, got " + shown);
}

}  // namespace

std::string MailUrl::Redacted() const {
  if (IsLocal()) return scheme + "://" + Encode(path, true);
  std::string out = scheme + "://";
  if (!user.empty()) out += Encode(user, false) + "@";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += ":" + std::to_string(port);
  if (!path.empty()) out += "/" + Encode(path, true);
  return out;
}

bool MailUrl::IsLocal() const {
  return scheme == "maildir" || scheme == "sendmail" || scheme == "dir";
}

Result<MailUrl> ParseMailUrl(const std::string& text) {
  const size_t sep = text.find("://");
  if (sep == std::string::npos || sep == 0) {
    // Not quoted: a malformed URL may still carry a password.
    return Fail(ErrorKind::kConfig,
                "expected a URL like imaps://user@host/INBOX or "
                "maildir:///path");
  }
  MailUrl url;
  url.scheme = util::AsciiLower(text.substr(0, sep));
  const SchemeInfo* info = FindScheme(url.scheme);
  if (info == nullptr) {
    return Fail(ErrorKind::kConfig,
                "unsupported URL scheme '" + Encode(url.scheme, false) +
                    "' (expected imap, imaps, pop3, pop3s, maildir, smtp, "
                    "smtps, sendmail or dir)");
  }
  const std::string_view rest = std::string_view(text).substr(sep + 3);
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  const size_t at = authority.rfind('@');
  const std::string_view userinfo = at == std::string_view::npos
                                        ? std::string_view()
                                        : authority.substr(0, at);
  const std::string_view hostport =
      at == std::string_view::npos ? authority : authority.substr(at + 1);
  // What error messages may show: never the part after "user:".
  const std::string shown =
      url.scheme + "://" +
      (at == std::string_view::npos
           ? std::string()
           : std::string(userinfo.substr(0, userinfo.find(':'))) + "@") +
      std::string(hostport) +
      std::string(path.substr(0, path.find_first_of("?#")));
  if (userinfo.find(':') != std::string_view::npos) {
    return Fail(ErrorKind::kConfig,
                "URL " + shown +
                    " must not contain a password: put it in password_file");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Fail(
        ErrorKind::kConfig,
        "query strings and fragments are not supported in URL " + shown);
  }
  if (info->default_port == 0) {
    if (!userinfo.empty() || at != std::string_view::npos) {
      return Fail(ErrorKind::kConfig,
                  "a " + url.scheme + " URL has no user, got " + shown);
    }
    Result<void> local = ParseLocal(authority, path, shown, url);
    CT_TRY(local);
    return url;
  }
  std::optional<std::string> user = Decode(userinfo);
  if (!user) return Fail(ErrorKind::kConfig, "bad user in URL " + shown);
  url.user = *user;
  url.port = info->default_port;
  Result<void> host = ParseHostPort(hostport, shown, url);
  CT_TRY(host);
  Result<void> folder = ParseNetworkPath(path, shown, url);
  CT_TRY(folder);
  return url;
}

bool IsLoopbackHost(const std::string& host) {
  const std::string lower = util::AsciiLower(host);
  if (lower == "localhost" || lower == "localhost.") return true;
  in_addr v4;
  if (inet_pton(AF_INET, lower.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, lower.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

TlsMode TlsModeFor(const MailUrl& url) {
  if (url.IsLocal()) return TlsMode::kNone;
  if (url.scheme == "imaps" || url.scheme == "pop3s" || url.scheme == "smtps") {
    return TlsMode::kImplicit;
  }
  return IsLoopbackHost(url.host) ? TlsMode::kStartTlsIfOffered
                                  : TlsMode::kStartTlsRequired;
}

}  // namespace ct::mail

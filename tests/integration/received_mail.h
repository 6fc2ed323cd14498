// Reading the mail a party received, for the tests that go through the
// real mail system (outbound_test, e2e_mail_test): MIME parts, decryption
// with the recipient's key, verification with plain gpg against the escrow
// key, and finding messages in a Dovecot maildir.
#ifndef CYBERTROC_TESTS_INTEGRATION_RECEIVED_MAIL_H_
#define CYBERTROC_TESTS_INTEGRATION_RECEIVED_MAIL_H_

#include <algorithm>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "mail_fixture.h"
#include "maildir_world.h"  // IsoTime

namespace cttest {

inline std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One MIME entity: its header fields (unfolded, in order) and its raw body.
struct Entity {
  std::vector<std::pair<std::string, std::string>> fields;  // name, value
  std::string body;

  std::vector<std::string> All(const std::string& name) const {
    std::vector<std::string> values;
    for (const auto& [n, v] : fields)
      if (Lower(n) == Lower(name)) values.push_back(v);
    return values;
  }
  std::string Get(const std::string& name) const {
    auto values = All(name);
    return values.empty() ? "" : values.front();
  }
};

// `text` has CRLF line ends.
inline Entity ParseEntity(const std::string& text) {
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

// A parameter of a structured header value (boundary="...", protocol=...).
inline std::string Param(const std::string& value, const std::string& name) {
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

// The raw body parts of a multipart entity (RFC 2046: the CRLF before a
// delimiter belongs to the delimiter).
inline std::vector<std::string> Parts(const Entity& e) {
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

inline std::string Base64Decode(const std::string& in) {
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

inline std::string QuotedPrintableDecode(const std::string& in,
                                         bool header = false) {
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

// RFC 2047: encoded words decoded, blanks between two of them dropped.
inline std::string DecodeHeader(const std::string& value) {
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

inline std::string ToLf(std::string text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

// A message as its recipient opens it.
struct Received {
  fs::path file;
  Entity top;           // the delivered message (trace fields included)
  std::string subject;  // RFC 2047-decoded
  bool encrypted = false;
  bool combined = false;  // signed and encrypted in one (RFC 3156 6.2)
  std::string signer;     // primary fingerprint of a good signature, or ""
  std::string text;       // the signed text/plain, decoded, LF line ends
  std::string problem;    // why it could not be opened or verified
  // The signed parts after the text when it is a multipart/mixed (the EPC
  // QR code of a deposit request): headers and raw (encoded) body.
  std::vector<Entity> attachments;
};

// The primary key fingerprint of the one good signature in gpg's status
// output `status`, or "" when there is not exactly one.
inline std::string GoodSigner(const std::string& status) {
  const auto validsig = AllMatches(status, R"(\[GNUPG:\] VALIDSIG ([^\n]*))");
  if (validsig.size() != 1 ||
      status.find("[GNUPG:] GOODSIG") == std::string::npos ||
      status.find("[GNUPG:] BADSIG") != std::string::npos ||
      status.find("[GNUPG:] ERRSIG") != std::string::npos)
    return "";
  std::string fields = validsig.front();
  while (!fields.empty() && (fields.back() == '\r' || fields.back() == ' '))
    fields.pop_back();
  return fields.substr(fields.rfind(' ') + 1);  // the primary key
}

// The decoded text of a text/plain entity, LF line ends.
inline std::string PlainTextOf(const Entity& text) {
  return ToLf(Lower(text.Get("Content-Transfer-Encoding")) == "quoted-printable"
                  ? QuotedPrintableDecode(text.body)
                  : text.body);
}

// The text of a signed entity: text/plain itself, or the first part of a
// multipart/mixed whose other parts are attachments.
inline void ReadSignedContent(const Entity& content, Received& r) {
  if (!Lower(content.Get("Content-Type")).starts_with("multipart/mixed")) {
    r.text = PlainTextOf(content);
    return;
  }
  const auto parts = Parts(content);
  if (parts.empty()) {
    r.problem = "empty multipart/mixed";
    return;
  }
  r.text = PlainTextOf(ParseEntity(parts[0]));
  for (size_t i = 1; i < parts.size(); ++i)
    r.attachments.push_back(ParseEntity(parts[i]));
}

// RFC 3156 section 5: verifies `signed_entity` (multipart/signed) with the
// public keys of `home`; fills signer and text, or problem.
inline void VerifySigned(const Entity& signed_entity, const fs::path& home,
                         const fs::path& dir, Received& r) {
  const std::string signed_type = Lower(signed_entity.Get("Content-Type"));
  const auto parts = Parts(signed_entity);
  if (!signed_type.starts_with("multipart/signed") ||
      Param(signed_type, "protocol") != "application/pgp-signature" ||
      parts.size() != 2) {
    r.problem = "not a two-part multipart/signed: " + signed_type;
    return;
  }
  // RFC 3156: the first part's raw bytes, CRLF line ends, are signed.
  WriteFile(dir / "signed-part", parts[0]);
  WriteFile(dir / "signature.asc", ParseEntity(parts[1]).body);
  Cmd verify = Shell(
      "gpg --homedir " + Quote(home) + " --batch --status-fd 1 --verify " +
      Quote(dir / "signature.asc") + " " + Quote(dir / "signed-part"));
  const std::string signer = GoodSigner(verify.out);
  if (verify.status != 0 || signer.empty()) {
    r.problem = "gpg --verify failed: " + verify.All();
    return;
  }
  r.signer = signer;
  ReadSignedContent(ParseEntity(parts[0]), r);
}

// Decrypts (in `home`, the recipient's GnuPG home) and verifies (with the
// public keys of `home`) the message in `file`. An encrypted message is
// either signed and encrypted in one OpenPGP message (RFC 3156 section
// 6.2: the signer comes from gpg --decrypt's VALIDSIG, as mutt, neomutt
// and Thunderbird show it) or an encrypted multipart/signed (section 6.1).
inline Received OpenMail(const fs::path& file, const fs::path& home,
                         const fs::path& work) {
  static int counter = 0;
  const fs::path dir = work / ("open-" + std::to_string(++counter));
  fs::create_directories(dir);
  Received r;
  r.file = file;
  r.top = ParseEntity(ToCrlf(ReadFile(file)));
  r.subject = DecodeHeader(r.top.Get("Subject"));
  const std::string type = Lower(r.top.Get("Content-Type"));
  if (!type.starts_with("multipart/encrypted")) {
    VerifySigned(r.top, home, dir, r);
    return r;
  }
  r.encrypted = true;
  const auto parts = Parts(r.top);
  if (parts.size() != 2 ||
      Param(type, "protocol") != "application/pgp-encrypted") {
    r.problem = "malformed multipart/encrypted";
    return r;
  }
  WriteFile(dir / "encrypted.asc", ParseEntity(parts[1]).body);
  Cmd decrypt = Shell(
      "gpg --homedir " + Quote(home) + " --batch --status-fd 1 --output " +
      Quote(dir / "decrypted") + " --decrypt " + Quote(dir / "encrypted.asc"));
  if (decrypt.status != 0 ||
      decrypt.out.find("[GNUPG:] DECRYPTION_OKAY") == std::string::npos) {
    r.problem = "gpg --decrypt failed: " + decrypt.All();
    return r;
  }
  const Entity inner = ParseEntity(ToCrlf(ReadFile(dir / "decrypted")));
  if (!std::regex_search(decrypt.out,
                         std::regex(R"(\[GNUPG:\] [A-Z]*SIG\b)"))) {
    VerifySigned(inner, home, dir, r);  // 6.1: signed, then encrypted
    return r;
  }
  r.combined = true;
  r.signer = GoodSigner(decrypt.out);
  if (r.signer.empty()) {
    r.problem = "gpg --decrypt: no single good signature: " + decrypt.All();
    return r;
  }
  const std::string inner_type = Lower(inner.Get("Content-Type"));
  if (!inner_type.starts_with("text/plain") &&
      !inner_type.starts_with("multipart/mixed")) {
    r.problem =
        "signed and encrypted, not text/plain: " + inner.Get("Content-Type");
    return r;
  }
  ReadSignedContent(inner, r);
  return r;
}

// Every message file of a maildir, delivery order.
inline std::vector<fs::path> MaildirFiles(const fs::path& maildir) {
  std::vector<fs::path> files;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(maildir / sub, ec))
      if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) {
              return a.filename().string() < b.filename().string();
            });
  return files;
}

// ================================================================ the suite

inline constexpr char kFrom[] = "CyberTroc <escrow@example.test>";

}  // namespace cttest

#endif  // CYBERTROC_TESTS_INTEGRATION_RECEIVED_MAIL_H_

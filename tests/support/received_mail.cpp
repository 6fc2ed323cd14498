#include "received_mail.h"

#include <regex>

namespace cttest {

std::string GoodSigner(const std::string& status) {
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

std::string PlainTextOf(const Entity& text) {
  return ToLf(Lower(text.Get("Content-Transfer-Encoding")) == "quoted-printable"
                  ? QuotedPrintableDecode(text.body)
                  : text.body);
}

namespace {

// The text of a signed entity: text/plain itself, or the first part of a
// multipart/mixed whose other parts are attachments.
void ReadSignedContent(const Entity& content, Received& r) {
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

}  // namespace

void VerifySigned(const Entity& signed_entity, const fs::path& home,
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

namespace {

// Section 6.2: the signer from gpg --decrypt, the text/plain inside.
void ReadCombined(const Entity& inner, const Cmd& decrypt, Received& r) {
  r.combined = true;
  r.signer = GoodSigner(decrypt.out);
  if (r.signer.empty()) {
    r.problem = "gpg --decrypt: no single good signature: " + decrypt.All();
    return;
  }
  const std::string inner_type = Lower(inner.Get("Content-Type"));
  if (!inner_type.starts_with("text/plain") &&
      !inner_type.starts_with("multipart/mixed")) {
    r.problem =
        "signed and encrypted, not text/plain: " + inner.Get("Content-Type");
    return;
  }
  ReadSignedContent(inner, r);
}

}  // namespace

Received OpenMail(const fs::path& file, const fs::path& home,
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
  ReadCombined(inner, decrypt, r);
  return r;
}

std::vector<fs::path> MaildirFiles(const fs::path& maildir) {
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

const Received* WithText(const std::vector<Received>& mail,
                         const std::string& text) {
  for (const Received& m : mail)
    if (m.text.find(text) != std::string::npos) return &m;
  return nullptr;
}

}  // namespace cttest

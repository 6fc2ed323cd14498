#include "mail/compose.h"

#include <fmt/format.h>

#include <random>

#include "crypto/sign.h"
#include "mail/mime.h"

namespace ct::mail {
namespace {

std::string Boundary() {
  static std::random_device rd;
  return fmt::format("ct-{:016x}{:08x}", (uint64_t(rd()) << 32) | rd(), rd());
}

std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s)
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
  return out;
}

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// One encoded-word per chunk of whole UTF-8 characters (RFC 2047 5: no
// character split across words), each short enough for a 76-column line.
std::string EncodedWords(std::string_view s) {
  static const char kB64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto b64 = [&](std::string_view in) {
    std::string out;
    for (size_t i = 0; i < in.size(); i += 3) {
      uint32_t n = uint32_t(uint8_t(in[i])) << 16;
      if (i + 1 < in.size()) n |= uint32_t(uint8_t(in[i + 1])) << 8;
      if (i + 2 < in.size()) n |= uint8_t(in[i + 2]);
      out += kB64[(n >> 18) & 63];
      out += kB64[(n >> 12) & 63];
      out += i + 1 < in.size() ? kB64[(n >> 6) & 63] : '=';
      out += i + 2 < in.size() ? kB64[n & 63] : '=';
    }
    return out;
  };
  std::string out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = start;
    while (end < s.size() && end - start < 42) {
      size_t len = 1;
      unsigned char c = s[end];
      if (c >= 0xF0)
        len = 4;
      else if (c >= 0xE0)
        len = 3;
      else if (c >= 0xC0)
        len = 2;
      end += len;
    }
    end = std::min(end, s.size());
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + b64(s.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

std::string Multipart(const std::string& type_params,
                      const std::string& boundary,
                      const std::vector<std::string>& parts) {
  std::string out = "Content-Type: " + type_params + "; boundary=\"" +
                    boundary + "\"\r\n\r\n";
  for (const auto& part : parts)
    out += "--" + boundary + "\r\n" + part + "\r\n";
  return out + "--" + boundary + "--\r\n";
}

Result<std::string> SignedEntity(crypto::GpgContext& gpg,
                                 const OutgoingMail& mail,
                                 const std::string& signer) {
  std::string text =
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
      QuotedPrintable(mail.body);
  auto sig = crypto::SignDetached(gpg, signer, text);
  if (!sig) return std::unexpected(sig.error());
  std::string signature =
      "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
      "Content-Description: OpenPGP digital signature\r\n\r\n" +
      ToCrlf(sig->armored);
  return Multipart(fmt::format("multipart/signed; micalg={}; "
                               "protocol=\"application/pgp-signature\"",
                               sig->micalg),
                   Boundary(), {text, signature});
}

}  // namespace

std::string EncodeHeaderValue(std::string_view value) {
  std::string clean = OneLine(value);
  return IsAscii(clean) ? clean : EncodedWords(clean);
}

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  size_t col = 0;
  auto emit = [&](const std::string& piece) {
    if (col + piece.size() > 75) {
      out += "=\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\r\n";
      col = 0;
      continue;
    }
    bool at_eol =
        i + 1 >= text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    bool literal = (c >= 33 && c <= 126 && c != '=') ||
                   ((c == ' ' || c == '\t') && !at_eol);
    // A line starting "From " or "." is encoded so that no relay mangles it.
    if (col == 0 && (c == '.' || (c == 'F' && text.substr(i, 5) == "From ")))
      literal = false;
    emit(literal ? std::string(1, static_cast<char>(c))
                 : fmt::format("={:02X}", c));
  }
  return out;
}

std::string Rfc5322Date(core::Time t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::weekday wd{day};
  std::chrono::hh_mm_ss hms{t - day};
  return fmt::format(
      "{}, {} {} {} {:02}:{:02}:{:02} +0000", kDays[wd.c_encoding()],
      unsigned(ymd.day()), kMonths[unsigned(ymd.month()) - 1], int(ymd.year()),
      hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

Result<std::string> Compose(crypto::GpgContext& gpg, const OutgoingMail& mail,
                            const std::string& signer,
                            const std::vector<std::string>& encrypt_to) {
  auto entity = SignedEntity(gpg, mail, signer);
  if (!entity) return entity;
  std::string top = *entity;
  if (!encrypt_to.empty()) {
    auto armored = crypto::EncryptTo(gpg, encrypt_to, top);
    if (!armored) return std::unexpected(armored.error());
    top = Multipart(
        "multipart/encrypted; protocol=\"application/pgp-encrypted\"",
        Boundary(),
        {"Content-Type: application/pgp-encrypted\r\n"
         "Content-Description: PGP/MIME version identification\r\n\r\nVersion: "
         "1\r\n",
         "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n"
         "Content-Description: OpenPGP encrypted message\r\n\r\n" +
             ToCrlf(*armored)});
  }
  std::string headers;
  auto header = [&](std::string_view name, std::string_view value) {
    headers += fmt::format("{}: {}\r\n", name, value);
  };
  header("From", EncodeHeaderValue(mail.from));
  header("To", OneLine(mail.to));
  header("Subject", EncodeHeaderValue(mail.subject));
  header("Date", Rfc5322Date(mail.date));
  header("Message-ID", OneLine(mail.message_id));
  if (!mail.in_reply_to.empty()) {
    header("In-Reply-To", OneLine(mail.in_reply_to));
    header("References", OneLine(mail.in_reply_to));
  }
  header("Auto-Submitted", OneLine(mail.auto_submitted));
  header(kLoopHeader, OneLine(mail.loop_token));
  header("MIME-Version", "1.0");
  return headers + top;
}

}  // namespace ct::mail

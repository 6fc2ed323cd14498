#include "corpus_mime.h"

#include <cstdint>
#include <sstream>
#include <vector>

#include "text_files.h"

namespace corpus {

using cttest::Lower;

Message Message::Split(const std::string& raw) {
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

std::string Message::Header(const std::string& name) const {
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

void Message::SetHeader(const std::string& name, const std::string& value) {
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

std::string Base64(const std::string& data, size_t line) {
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

namespace {

// One input line as quoted-printable rows (soft breaks, no final LF).
std::string QuotedPrintableLine(const std::string& line) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out, row;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = line[i];
    bool trailing_blank = (c == ' ' || c == '\t') && i + 1 == line.size();
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
  return out + row;
}

}  // namespace

std::string QuotedPrintable(const std::string& text) {
  std::istringstream lines(text);
  const bool last_newline = !text.empty() && text.back() == '\n';
  std::vector<std::string> all;
  for (std::string line; std::getline(lines, line);) all.push_back(line);
  std::string out;
  for (size_t i = 0; i < all.size(); ++i) {
    out += QuotedPrintableLine(all[i]);
    if (i + 1 < all.size() || last_newline) out += "\n";
  }
  return out;
}

std::string DecodeQuotedPrintable(const std::string& in) {
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

std::string BoundaryOf(const std::string& content_type) {
  size_t at = Lower(content_type).find("boundary=");
  if (at == std::string::npos) return "";
  std::string b = content_type.substr(at + 9);
  if (!b.empty() && b[0] == '"') return b.substr(1, b.find('"', 1) - 1);
  return b.substr(0, b.find_first_of("; \t"));
}

std::pair<size_t, size_t> FirstPart(const std::string& raw) {
  std::string b = BoundaryOf(Message::Split(raw).Header("Content-Type"));
  if (b.empty()) return {0, 0};
  size_t begin = raw.find("\n--" + b + "\n");
  if (begin == std::string::npos) return {0, 0};
  begin += b.size() + 4;
  size_t end = raw.find("\n--" + b, begin);
  if (end == std::string::npos) return {0, 0};
  return {begin, end};
}

std::string MultipartSigned(const std::string& part,
                            const std::string& signature,
                            const std::string& boundary) {
  return "Content-Type: multipart/signed; micalg=pgp-sha256;\n"
         "\tprotocol=\"application/pgp-signature\"; boundary=\"" +
         boundary + "\"\n\n--" + boundary + "\n" + part + "\n--" + boundary +
         "\nContent-Type: application/pgp-signature; "
         "name=\"signature.asc\"\n\n" +
         signature + "\n--" + boundary + "--\n";
}

std::string MultipartEncrypted(const std::string& armored,
                               const std::string& boundary) {
  return "Content-Type: multipart/encrypted;\n"
         "\tprotocol=\"application/pgp-encrypted\"; boundary=\"" +
         boundary +
         "\"\n\nThis is an OpenPGP/MIME encrypted message (RFC 4880 and "
         "3156)\n--" +
         boundary +
         "\nContent-Type: application/pgp-encrypted\n"
         "Content-Description: PGP/MIME version identification\n\n"
         "Version: 1\n\n--" +
         boundary +
         "\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n"
         "Content-Description: OpenPGP encrypted message\n"
         "Content-Disposition: inline; filename=\"encrypted.asc\"\n\n" +
         armored + "\n--" + boundary + "--\n";
}

}  // namespace corpus

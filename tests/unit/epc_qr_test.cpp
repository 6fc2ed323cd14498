// The EPC069-12 payload, and its QR code read back by a real scanner
// (zbarimg, Debian zbar-tools).
#include "money/epc_qr.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ct::money {
namespace {

namespace fs = std::filesystem;

Iban MustIban(const char* text) {
  auto iban = ParseIban(text);
  EXPECT_TRUE(iban) << text;
  return *iban;
}

EpcTransfer Sample() {
  return EpcTransfer{.bic = "BHBLDEHHXXX",
                     .name = "Franz Mustermann",
                     .iban = MustIban("DE71110220330123456789"),
                     .currency = "EUR",
                     .amount = core::Money::FromMinor(1230),
                     .remittance = "CT-7K3QX9A2-BUYER"};
}

std::string Shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

TEST(EpcQrTest, PayloadFollowsEpc06912Version002) {
  auto payload = EpcPayload(Sample());
  ASSERT_TRUE(payload) << payload.error().message;
  EXPECT_EQ(*payload,
            "BCD\n002\n1\nSCT\nBHBLDEHHXXX\nFranz Mustermann\n"
            "DE71110220330123456789\nEUR12.30\n\n\nCT-7K3QX9A2-BUYER");
}

TEST(EpcQrTest, BicMayBeLeftOutAndNamesAreUtf8) {
  EpcTransfer t = Sample();
  t.bic.clear();
  t.name = "Zoé Ørsted";
  auto payload = EpcPayload(t);
  ASSERT_TRUE(payload) << payload.error().message;
  EXPECT_EQ(*payload,
            "BCD\n002\n1\nSCT\n\nZoé Ørsted\nDE71110220330123456789\n"
            "EUR12.30\n\n\nCT-7K3QX9A2-BUYER");
}

TEST(EpcQrTest, OutOfBoundsFieldsAreRefused) {
  struct Case {
    const char* why;
    void (*change)(EpcTransfer&);
  };
  for (const Case& c : {
           Case{"in EUR", [](EpcTransfer& t) { t.currency = "USD"; }},
           Case{"0.01", [](EpcTransfer& t) { t.amount = {}; }},
           Case{"0.01",
                [](EpcTransfer& t) {
                  t.amount = core::Money::FromMinor(100000000000);
                }},
           Case{"name is missing", [](EpcTransfer& t) { t.name.clear(); }},
           Case{"at most 70",
                [](EpcTransfer& t) { t.name = std::string(71, 'x'); }},
           Case{"at most 140",
                [](EpcTransfer& t) { t.remittance = std::string(141, 'x'); }},
           Case{"control", [](EpcTransfer& t) { t.name = "Franz\nBCD"; }},
           Case{"BIC", [](EpcTransfer& t) { t.bic = "NOTABIC"; }},
       }) {
    SCOPED_TRACE(c.why);
    EpcTransfer t = Sample();
    c.change(t);
    auto payload = EpcPayload(t);
    ASSERT_FALSE(payload);
    EXPECT_EQ(payload.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(payload.error().message.find(c.why), std::string::npos)
        << payload.error().message;
  }
}

TEST(EpcQrTest, PngIsAQrCodeAScannerReadsBack) {
  auto payload = EpcPayload(Sample());
  ASSERT_TRUE(payload);
  auto png = QrPng(*payload);
  ASSERT_TRUE(png) << png.error().message;
  ASSERT_GT(png->size(), 33u);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1A\n", 8));
  EXPECT_EQ(png->substr(12, 4), "IHDR");
  // Square, a whole number of 5-pixel modules with the quiet zone.
  const auto side = [&](size_t at) {
    return (static_cast<unsigned char>((*png)[at]) << 24) |
           (static_cast<unsigned char>((*png)[at + 1]) << 16) |
           (static_cast<unsigned char>((*png)[at + 2]) << 8) |
           static_cast<unsigned char>((*png)[at + 3]);
  };
  EXPECT_EQ(side(16), side(20));
  EXPECT_EQ(side(16) % 5, 0u);
  char dir[] = "/tmp/ct-epc-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const fs::path file = fs::path(dir) / "epc-qr.png";
  std::ofstream(file, std::ios::binary) << *png;
  const std::string read =
      Shell("zbarimg --quiet --raw '" + file.string() + "' 2>/dev/null");
  fs::remove_all(dir);
  // zbarimg ends what it read with a newline.
  EXPECT_EQ(read, *payload + "\n");
}

TEST(EpcQrTest, TooLongPayloadIsRefused) {
  auto png = QrPng(std::string(332, 'x'));
  ASSERT_FALSE(png);
  EXPECT_NE(png.error().message.find("331"), std::string::npos);
}

}  // namespace
}  // namespace ct::money

#include "money/epc_qr.h"

#include <fmt/format.h>
#include <qrencode.h>

#include <memory>

#include "core/limits.h"
#include "money/png.h"

namespace ct::money {
namespace {

// EPC069-12 section 3: field sizes, the largest amount, the payload size
// and the largest QR version a scanner must read.
constexpr size_t kMaxNameChars = 70;
constexpr size_t kMaxRemittanceChars = 140;
constexpr int64_t kMaxAmountMinor = 99999999999;  // 999999999.99
constexpr size_t kMaxPayloadBytes = 331;
constexpr int kMaxVersion = 13;
constexpr int kQuietModules = 4;  // ISO/IEC 18004 quiet zone

using QrCodePtr = std::unique_ptr<QRcode, decltype(&QRcode_free)>;

std::unexpected<Error> Bad(std::string_view why) {
  return Fail(ErrorKind::kInvalidInput, fmt::format("EPC QR code: {}", why));
}

}  // namespace

Result<std::string> EpcPayload(const EpcTransfer& t) {
  if (t.currency != "EUR")
    return Bad(fmt::format("SEPA credit transfers are in EUR, not {}",
                           core::Excerpt(t.currency, 8)));
  if (t.amount.minor() < 1 || t.amount.minor() > kMaxAmountMinor)
    return Bad("the amount must be from 0.01 to 999999999.99");
  if (t.name.empty()) return Bad("the beneficiary name is missing");
  if (auto ok = core::CheckFreeText("beneficiary name", t.name, kMaxNameChars);
      !ok)
    return Bad(ok.error().message);
  if (auto ok =
          core::CheckFreeText("remittance", t.remittance, kMaxRemittanceChars);
      !ok)
    return Bad(ok.error().message);
  if (!t.bic.empty())
    if (auto bic = ParseBic(t.bic); !bic || *bic != t.bic)
      return Bad("the BIC is not valid");
  // Version 002, UTF-8, SCT; purpose and structured reference left empty
  // (the reference is unstructured text); the last element ends the payload.
  std::string payload =
      fmt::format("BCD\n002\n1\nSCT\n{}\n{}\n{}\nEUR{}\n\n\n{}", t.bic, t.name,
                  t.iban.electronic(), t.amount.ToString(), t.remittance);
  if (payload.size() > kMaxPayloadBytes)
    return Bad("the payload is longer than 331 bytes");
  return payload;
}

Result<std::string> QrPng(std::string_view payload, int pixels_per_module) {
  if (payload.empty() || payload.size() > kMaxPayloadBytes)
    return Bad("the payload must have 1 to 331 bytes");
  if (pixels_per_module < 1 || pixels_per_module > 20)
    return Bad("pixels per module out of range");
  // Byte mode (8 bit), level M, the smallest version that holds it.
  QrCodePtr code(
      QRcode_encodeData(static_cast<int>(payload.size()),
                        reinterpret_cast<const unsigned char*>(payload.data()),
                        0, QR_ECLEVEL_M),
      &QRcode_free);
  if (!code) return Bad("libqrencode could not encode the payload");
  if (code->version > kMaxVersion)
    return Bad(fmt::format("needs QR version {}, more than 13", code->version));
  const int modules = code->width;
  const int side = (modules + 2 * kQuietModules) * pixels_per_module;
  const QRcode* qr = code.get();
  return MonochromePng(side, side, [&](int x, int y) {
    const int mx = x / pixels_per_module - kQuietModules;
    const int my = y / pixels_per_module - kQuietModules;
    if (mx < 0 || my < 0 || mx >= modules || my >= modules) return false;
    return (qr->data[my * modules + mx] & 1) != 0;  // bit 0: dark module
  });
}

}  // namespace ct::money

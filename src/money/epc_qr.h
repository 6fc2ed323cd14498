// The EPC QR code (European Payments Council, EPC069-12 "Quick Response
// Code: guidelines to enable data capture for the initiation of a SEPA
// credit transfer"): the "BCD" payload most EU banking apps scan to fill
// in a transfer, and that payload drawn as a PNG image. Pure.
#ifndef CYBERTROC_MONEY_EPC_QR_H_
#define CYBERTROC_MONEY_EPC_QR_H_

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/money.h"
#include "money/iban.h"

namespace ct::money {

// One SEPA credit transfer to ask for.
struct EpcTransfer {
  std::string bic;         // may be empty (version 002: optional in the EEA)
  std::string name;        // beneficiary, 1..70 characters
  Iban iban;               // beneficiary account
  std::string currency;    // must be "EUR": SCT is a euro scheme
  core::Money amount;      // 0.01 .. 999999999.99
  std::string remittance;  // unstructured text, at most 140 characters
};

// The payload of EPC069-12 version 002, character set 1 (UTF-8): service
// tag BCD, identification SCT, BIC, name, IBAN, "EUR" + amount, no purpose,
// no structured reference, the remittance text; LF between elements, none
// after the last. kInvalidInput when a field is out of the standard's
// bounds (including the 331-byte ceiling).
Result<std::string> EpcPayload(const EpcTransfer& transfer);

// `payload` as a QR code (error correction level M, byte mode, version 13
// at most as EPC069-12 requires) in a PNG image: black modules on white,
// a four-module quiet zone, `pixels_per_module` pixels per module.
// kInvalidInput when it does not fit.
Result<std::string> QrPng(std::string_view payload, int pixels_per_module = 5);

}  // namespace ct::money

#endif  // CYBERTROC_MONEY_EPC_QR_H_

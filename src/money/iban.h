// Bank account identifiers: the IBAN (ISO 13616) and the BIC (ISO 9362).
// Pure: no I/O. Every party-supplied or configured account goes through
// ParseIban / ParseBic before it is stored or written to a bank file.
#ifndef CYBERTROC_MONEY_IBAN_H_
#define CYBERTROC_MONEY_IBAN_H_

#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::money {

// An IBAN in its electronic form: upper case, no blanks, check digits
// verified. Only ParseIban makes one.
class Iban {
 public:
  const std::string& electronic() const { return text_; }  // "FR7630006..."
  std::string country() const { return text_.substr(0, 2); }
  // "FR76 3000 6000 0112 3456 7890 189": groups of four, as printed.
  std::string Grouped() const;
  // "FR76 **** **** 0189": enough for its owner to recognise it, too little
  // to copy it (replies and logs).
  std::string Masked() const;

  friend bool operator==(const Iban&, const Iban&) = default;

 private:
  friend Result<Iban> ParseIban(std::string_view text);
  explicit Iban(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

// Reads an IBAN as people write it: blanks (and no-break spaces) anywhere,
// either case, an optional "IBAN" prefix. kInvalidInput, with a reason for
// a person, when the country is unknown, the length is not the one of the
// IBAN registry for that country, a character is not a letter or digit, or
// the ISO 7064 mod-97 check fails.
Result<Iban> ParseIban(std::string_view text);

// ISO 7064 MOD 97-10 of an IBAN in electronic form: true when the check
// digits are right. REQUIRES: only 'A'-'Z' and '0'-'9'.
bool Mod97Valid(std::string_view electronic);

// A BIC (ISO 9362): 4 letters (institution), 2 letters (country), 2 letters
// or digits (location), optionally 3 letters or digits (branch). Returns it
// upper case without blanks; kInvalidInput otherwise.
Result<std::string> ParseBic(std::string_view text);

}  // namespace ct::money

#endif  // CYBERTROC_MONEY_IBAN_H_

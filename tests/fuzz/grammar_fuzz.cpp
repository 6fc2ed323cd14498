// libFuzzer target: the command grammar (src/core/grammar.h) on any signed
// text, and an offer's fields against the shipped rules (rules/*.toml).
#include <cstdlib>
#include <string>

#include "core/address.h"
#include "core/grammar.h"
#include "fuzz_check.h"
#include "rules/loader.h"

namespace {

using ct::fuzz::Check;

const ct::rules::RuleBook& Rules() {
  static const ct::rules::RuleBook* const book = [] {
    auto loaded = ct::rules::LoadDir(CT_SOURCE_RULES_DIR);
    Check(loaded.has_value(), "the shipped rules load");
    return new ct::rules::RuleBook(std::move(*loaded));
  }();
  return *book;
}

void CheckOffer(const ct::core::OfferText& offer) {
  auto rules = Rules().Find(offer.case_name);
  if (!rules) return;
  (void)ct::core::OfferFromText(offer, **rules, "alice@example.org", "EUR");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = ct::fuzz::Text(data, size);
  auto parsed = ct::core::ParseCommandText(text, "EUR");
  auto mentioned = ct::core::MentionedDealId(text);
  if (parsed && parsed->kind == ct::core::Parsed::Kind::kCommand) {
    // The one command line is the one whose id a refusal would show.
    Check(mentioned == parsed->deal_id, "command id is the mentioned id");
  }
  if (parsed && parsed->kind == ct::core::Parsed::Kind::kOffer) {
    CheckOffer(parsed->offer);
  }
  if (parsed && parsed->kind == ct::core::Parsed::Kind::kListingCommand &&
      !parsed->listing_command.email.empty()) {
    // An address read is canonical: reading it again changes nothing.
    const std::string& email = parsed->listing_command.email;
    Check(ct::core::NormalizeAddress(email) == email,
          "canonical addresses stay canonical");
  }
  if (auto id = ct::core::NormalizeDealId(text)) {
    Check(ct::core::NormalizeDealId(*id) == id, "normal ids stay normal");
  }
  return 0;
}

// The ids people type: a two-letter prefix, a dash and 8 Crockford base32
// characters ("CT-7K3QX9A2" for deals, "CL-…" for listings).
#ifndef CYBERTROC_CORE_CROCKFORD_H_
#define CYBERTROC_CORE_CROCKFORD_H_

#include <optional>
#include <string>
#include <string_view>

namespace ct::core {

inline constexpr std::string_view kCrockford =
    "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// "PREFIX-XXXXXXXX" from any case and the look-alikes people type (o->0,
// i/l->1); nullopt when `text` is not such an id. `prefix` is upper case,
// two letters.
std::optional<std::string> NormalizePrefixedId(std::string_view text,
                                               std::string_view prefix);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_CROCKFORD_H_

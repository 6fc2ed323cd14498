#include "app/base/ids.h"

#include <cctype>
#include <random>

#include "core/limits.h"
#include "store/repos.h"

namespace ct::app {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // 32
constexpr int kIdChars = 8;
constexpr int kMaxAttempts = 16;

std::string RandomId() {
  static thread_local std::random_device device;
  std::uniform_int_distribution<int> pick(0, 31);
  std::string id = "CT-";
  for (int i = 0; i < kIdChars; ++i) id += kAlphabet[pick(device)];
  return id;
}

}  // namespace

Result<std::string> NewDealId(store::Database& db) {
  store::DealRepo deals(db);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    std::string id = RandomId();
    auto exists = deals.Exists(id);
    CT_TRY(exists);
    if (!*exists) return id;
  }
  return Fail(ErrorKind::kInternal, "could not draw an unused deal id");
}

Result<std::string> ParseDealId(std::string_view text) {
  std::string id;
  for (char c : text) {
    id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (id.size() != 3 + kIdChars || !id.starts_with("CT-")) {
    return Fail(ErrorKind::kUsage, "not a deal id: '" +
                                       core::Excerpt(text, 40) +
                                       "' (expected CT-XXXXXXXX)");
  }
  for (size_t i = 3; i < id.size(); ++i) {
    char& c = id[i];
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (std::string_view(kAlphabet).find(c) == std::string_view::npos) {
      return Fail(ErrorKind::kUsage, "not a deal id: '" +
                                         core::Excerpt(text, 40) +
                                         "' (expected CT-XXXXXXXX)");
    }
  }
  return id;
}

}  // namespace ct::app

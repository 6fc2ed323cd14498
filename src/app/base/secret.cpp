#include "app/base/secret.h"

#include "core/limits.h"
#include "util/read_file.h"

namespace ct::app {

Result<std::string> ReadSecret(const std::string& path) {
  if (path.empty()) return std::string();
  auto text =
      util::ReadFileLimited(path, core::kMaxSecretFileBytes, "secret file");
  if (!text) return Fail(ErrorKind::kConfig, text.error().message);
  std::string line = text->substr(0, text->find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace ct::app

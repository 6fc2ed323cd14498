// libFuzzer target: the config loader (src/config/config.h). It reads a
// file, so each input is written to one file in a private directory first.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"
#include "fuzz_check.h"

namespace {

// The file the inputs go to, in a directory removed when the run ends.
const std::string& ConfigPath() {
  static const std::string* const path = [] {
    char dir[] = "/tmp/ct-config-fuzz-XXXXXX";
    ct::fuzz::Check(mkdtemp(dir) != nullptr, "mkdtemp");
    static std::string made = dir;
    std::atexit([] { std::filesystem::remove_all(made); });
    return new std::string(made + "/cybertroc.conf");
  }();
  return *path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(ConfigPath(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data),
              static_cast<std::streamsize>(size));
    ct::fuzz::Check(out.good(), "write the config file");
  }
  auto config = ct::config::Load(ConfigPath(), /*missing_ok=*/false);
  if (config) {
    ct::fuzz::Check(config->path == ConfigPath(), "the path is kept");
  } else {
    ct::fuzz::Check(!config.error().message.empty(), "errors say something");
  }
  return 0;
}

// The rules of the source tree that docs/design.md states, checked on the
// tree itself so that they keep holding: rooms of a readable size, every
// source file with its own header, no two headers of one name, each class in
// the header named after it, no include loops, libraries in one direction,
// and comments that point into the repository.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSrc = fs::path(CT_TEST_SOURCE_DIR) / "src";

// The folders under src/, each on the ones before it: a file may include
// headers of its own folder and of the folders listed before its own.
const std::vector<std::string> kLayers = {
    "core",      "util",      "rules",        "store",        "money",
    "config",    "notify",    "crypto",       "mail",         "app/base",
    "verify",    "app/trust", "app/outbound", "app/accounts", "app/market",
    "app/deals", "app/bank",  "app/inbound",  "app/run",      "cli"};

// Programs' entry points: a main() has no header.
const std::set<std::string> kEntryPoints = {"cli/main.cpp",
                                            "crypto/runner_main.cpp"};

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every .h and .cpp under src/, by path relative to src/.
std::map<std::string, std::string> SourceTree() {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(kSrc)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".h" || ext == ".cpp"))
      files[fs::relative(entry.path(), kSrc).string()] = Slurp(entry.path());
  }
  return files;
}

std::string Folder(const std::string& path) {
  return fs::path(path).parent_path().string();
}

// A header and its source are one unit: "store/deal_repo".
std::string Unit(const std::string& path) {
  return (fs::path(path).parent_path() / fs::path(path).stem()).string();
}

// The project headers `text` includes ("..." form).
std::vector<std::string> Includes(const std::string& text) {
  static const std::regex kInclude(R"re(^#include "([^"]+)")re");
  std::vector<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kInclude)) out.push_back(m[1]);
  }
  return out;
}

std::string SnakeCase(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (std::isupper(c)) {
      const bool after_lower =
          i > 0 && !std::isupper(static_cast<unsigned char>(name[i - 1]));
      if (i > 0 && after_lower) out += '_';
      out += static_cast<char>(std::tolower(c));
    } else {
      out += name[i];
    }
  }
  return out;
}

TEST(HouseTest, NoFolderHoldsMoreThanFortyHeadersOrSources) {
  std::map<std::string, int> headers, sources;
  for (const auto& [path, text] : SourceTree())
    ++(path.ends_with(".h") ? headers : sources)[Folder(path)];
  for (const auto& [folder, n] : headers)
    EXPECT_LE(n, 40) << "src/" << folder << " holds " << n << " headers";
  for (const auto& [folder, n] : sources)
    EXPECT_LE(n, 40) << "src/" << folder << " holds " << n << " sources";
}

TEST(HouseTest, EverySourceOutsideTheCommandLineHasItsOwnHeader) {
  const auto files = SourceTree();
  for (const auto& [path, text] : files) {
    if (!path.ends_with(".cpp") || path.starts_with("cli/") ||
        kEntryPoints.contains(path))
      continue;
    EXPECT_TRUE(files.contains(Unit(path) + ".h"))
        << "src/" << path << " has no header " << Unit(path) << ".h";
  }
}

TEST(HouseTest, NoTwoHeadersShareAName) {
  std::map<std::string, std::vector<std::string>> by_name;
  for (const auto& [path, text] : SourceTree())
    if (path.ends_with(".h"))
      by_name[fs::path(path).filename().string()].push_back(path);
  for (const auto& [name, paths] : by_name)
    EXPECT_EQ(paths.size(), 1u)
        << name << " is the name of " << paths.size() << " headers";
}

TEST(HouseTest, EachClassIsDefinedInTheHeaderNamedAfterIt) {
  // A class definition at the start of a line (nested classes are part of
  // their outer class); plain structs are records and may sit anywhere.
  static const std::regex kClass(
      R"(^class ([A-Z][A-Za-z0-9]*)( final)?\s*(:[^;{]*)?\{)",
      std::regex::multiline);
  for (const auto& [path, text] : SourceTree()) {
    if (!path.ends_with(".h")) continue;
    const std::string stem = fs::path(path).stem().string();
    for (std::sregex_iterator it(text.begin(), text.end(), kClass), end;
         it != end; ++it) {
      const std::string name = (*it)[1];
      EXPECT_EQ(SnakeCase(name), stem)
          << "class " << name << " is defined in src/" << path;
    }
  }
}

TEST(HouseTest, NoIncludeLoops) {
  const auto files = SourceTree();
  std::map<std::string, std::set<std::string>> uses;  // unit -> units
  for (const auto& [path, text] : files)
    for (const auto& header : Includes(text))
      if (files.contains(header) && Unit(header) != Unit(path))
        uses[Unit(path)].insert(Unit(header));
  // Depth-first search; a unit met again while on the path closes a loop.
  std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& u) {
    state[u] = 1;
    path.push_back(u);
    for (const auto& next : uses[u]) {
      if (state[next] == 1) {
        auto from = std::find(path.begin(), path.end(), next);
        std::string loop;
        for (auto it = from; it != path.end(); ++it) loop += *it + " -> ";
        ADD_FAILURE() << "include loop: " << loop << next;
      } else if (state[next] == 0) {
        visit(next);
      }
    }
    path.pop_back();
    state[u] = 2;
  };
  for (const auto& [unit, used] : uses)
    if (state[unit] == 0) visit(unit);
}

TEST(HouseTest, FoldersIncludeOnlyTheFoldersBeforeThem) {
  auto layer = [](const std::string& folder) {
    auto it = std::find(kLayers.begin(), kLayers.end(), folder);
    return it == kLayers.end() ? -1 : static_cast<int>(it - kLayers.begin());
  };
  for (const auto& [path, text] : SourceTree()) {
    const int mine = layer(Folder(path));
    ASSERT_GE(mine, 0) << "src/" << Folder(path)
                       << " is not in kLayers (and docs/design.md)";
    for (const auto& header : Includes(text)) {
      // The text helpers are a leaf under every folder, the core included.
      if (header == "util/text.h") continue;
      const int theirs = layer(Folder(header));
      if (theirs < 0) continue;  // not ours (a generated or test header)
      EXPECT_LE(theirs, mine)
          << "src/" << path << " (" << Folder(path) << ") includes " << header
          << ", a folder after its own";
    }
  }
}

// Comments point into the repository: no issue numbers, no documents a
// reader of the repository does not have.
TEST(HouseTest, CommentsCiteNoIssueNorOutsideDocument) {
  static const std::regex kOutside(
      R"((//|#).*(\b[Ii]ssue #?[0-9]+|\bSPEC\b|SPEC\.md|DESIGN\.md))");
  const fs::path root = fs::path(CT_TEST_SOURCE_DIR);
  for (const char* dir : {"src", "tests", "rules", "templates", "examples"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() ||
          (ext != ".h" && ext != ".cpp" && ext != ".sh" && ext != ".toml" &&
           ext != ".cmake" && entry.path().filename() != "CMakeLists.txt"))
        continue;
      if (entry.path().filename() == "house_test.cpp") continue;
      std::istringstream lines(Slurp(entry.path()));
      int number = 0;
      for (std::string line; std::getline(lines, line);) {
        ++number;
        EXPECT_FALSE(std::regex_search(line, kOutside))
            << fs::relative(entry.path(), root).string() << ":" << number
            << ": " << line;
      }
    }
  }
}

}  // namespace

#include "config/ini.h"

#include <algorithm>
#include <sstream>
#include <string_view>

namespace ct::config {
namespace {

namespace po = boost::program_options;

constexpr std::string_view kBlanks = " \t\r";

std::string_view Trim(std::string_view text) {
  const size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

// Lines starting with ';' are comments in many INI files; Boost reads only
// '#' (anywhere on a line) as one.
bool IsSemicolonComment(std::string_view line) {
  const std::string_view trimmed = Trim(line);
  return !trimmed.empty() && trimmed.front() == ';';
}

// The line as a person should see it quoted in an error: at most 80 bytes.
std::string Quote(std::string_view line) {
  constexpr size_t kShown = 80;
  if (line.size() <= kShown) return "'" + std::string(line) + "'";
  return "'" + std::string(line.substr(0, kShown)) + "...'";
}

// The shape Boost accepts, checked first with our own message (file and line
// number) so that Boost's own error text is never needed for it.
Result<void> CheckLines(const std::string& path, const std::string& text) {
  std::istringstream in(text);
  size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (IsSemicolonComment(line)) continue;
    const std::string_view content =
        Trim(std::string_view(line).substr(0, line.find('#')));
    if (content.empty()) continue;
    if (content.front() == '[' && content.back() == ']') continue;
    const size_t equals = content.find('=');
    if (equals != std::string_view::npos &&
        !Trim(content.substr(0, equals)).empty()) {
      continue;
    }
    return Fail(ErrorKind::kConfig,
                path + ":" + std::to_string(number) +
                    ": invalid line, expected 'key = value' or '[section]': " +
                    Quote(line));
  }
  return {};
}

std::string WithoutSemicolonComments(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (IsSemicolonComment(line)) continue;
    out += line;
    out += '\n';
  }
  return out;
}

// A copy of Boost's error whose values can be edited before what() runs.
class SafeError : public po::error_with_option_name {
 public:
  explicit SafeError(const po::error_with_option_name& e)
      : po::error_with_option_name(e) {}

  std::string Describe() {
    for (auto& [name, value] : m_substitutions) {
      std::ranges::replace(value, '%', '?');
    }
    return what();
  }
};

}  // namespace

Result<std::vector<po::option>> SplitIni(
    const std::string& path, const std::string& text,
    const std::vector<std::string>& known_keys) {
  CT_TRY(CheckLines(path, text));
  po::options_description known;
  for (const std::string& name : known_keys) {
    known.add_options()(name.c_str(), po::value<std::string>());
  }
  std::istringstream in(WithoutSemicolonComments(text));
  try {
    // allow_unregistered: unknown keys are reported by the caller.
    return po::parse_config_file(in, known, /*allow_unregistered=*/true)
        .options;
  } catch (const po::error& e) {
    return Fail(ErrorKind::kConfig, path + ": " + DescribeOptionsError(e));
  }
}

std::string DescribeOptionsError(const po::error& e) {
  if (const auto* named = dynamic_cast<const po::error_with_option_name*>(&e)) {
    return SafeError(*named).Describe();
  }
  // The other errors carry no value from the input in a template.
  return e.what();
}

}  // namespace ct::config

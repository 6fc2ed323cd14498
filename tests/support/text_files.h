// Text and file helpers shared by the integration and e2e tests: shell
// quoting, whole-file reads and writes, KEY=VALUE files, header fields of a
// raw message, regex matches. GoogleTest-free.
#ifndef CYBERTROC_TESTS_SUPPORT_TEXT_FILES_H_
#define CYBERTROC_TESTS_SUPPORT_TEXT_FILES_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "mail/mime.h"

namespace cttest {

namespace fs = std::filesystem;

// 'text' for sh, whatever it holds.
std::string Quote(const std::string& text);

std::string ReadFile(const fs::path& path);
void WriteFile(const fs::path& path, const std::string& content);

// Non-empty lines of `text`, without their CR.
std::vector<std::string> Lines(const std::string& text);

// ASCII lower case.
std::string Lower(std::string s);

// LF -> CRLF (a CRLF already there is kept): the product's own helper.
using ct::mail::ToCrlf;

// KEY=VALUE lines as servers.sh and gpg.sh write them (a value is quoted
// when it holds spaces).
std::map<std::string, std::string> ReadEnv(const fs::path& path);

// The unfolded value of the first header field `name` of a raw message
// ("" if absent); leading and trailing blanks removed.
std::string HeaderValue(const std::string& raw, const std::string& name);

// `raw` without the trace lines a delivering server may put on top
// (Return-Path, Delivered-To): servers.sh deliver adds none, LMTP/SMTP
// delivery does. Only leading, unfolded lines are removed.
std::string StripDeliveryHeaders(const std::string& raw);

// Every match of `pattern`'s first group (or whole match) in `text`.
std::vector<std::string> AllMatches(const std::string& text,
                                    const std::string& pattern);

// `text` with the regex special characters escaped (for AllMatches).
std::string RegexEscape(const std::string& text);

std::string HexDecode(const std::string& hex);

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_TEXT_FILES_H_

// Helpers of the inbound-mail corpus (tests/corpus, corpus_test.cpp):
// shell commands, files, text and time. One include for the whole corpus
// toolkit: the MIME re-encodings a relay makes (corpus_mime.h) and the
// read-only queries on the cybertroc database (corpus_db.h) come with it.
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_UTIL_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_UTIL_H_

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "corpus_db.h"
#include "corpus_mime.h"
#include "text_files.h"

namespace corpus {

namespace fs = std::filesystem;

using cttest::Lower;
using cttest::Quote;
using cttest::ReadEnv;
using cttest::ReadFile;
using cttest::ToCrlf;
using cttest::WriteFile;

// ------------------------------------------------------------------ shell

struct ShellResult {
  int status = -1;     // exit status; -1 when killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr
  double seconds = 0;  // wall time
};

// Runs `command` with sh; stderr goes to `err_file` and is read back.
ShellResult Shell(const std::string& command, const fs::path& err_file);

bool HaveTool(const std::string& tool);

// ------------------------------------------------------------------ files

// Copies the regular files and directories under `from` (sockets of a
// running gpg-agent and other special files are left out).
void CopyTree(const fs::path& from, const fs::path& to);

// ------------------------------------------------------------------ text

inline bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

bool ContainsNoCase(const std::string& hay, const std::string& needle);

std::string ReplaceAll(std::string text, const std::string& from,
                       const std::string& to);

// Digits 0-9 as fullwidth forms (U+FF10..FF19).
std::string Fullwidth(const std::string& text);

// ------------------------------------------------------------------ time

// ISO 8601 UTC, as CYBERTROC_NOW wants it.
std::string IsoTime(std::chrono::system_clock::time_point t);

long long EpochNow();

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_UTIL_H_

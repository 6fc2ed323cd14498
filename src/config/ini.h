// Splitting the INI config file into "section.key" = value pairs with
// Boost.Program_options, and describing Boost's errors safely. The values
// are checked by config.cpp; this file only knows the shape of the lines.
#ifndef CYBERTROC_CONFIG_INI_H_
#define CYBERTROC_CONFIG_INI_H_

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "core/error.h"

namespace ct::config {

// The options of `text` (read from `path`) in file order; unknown keys come
// back marked `unregistered`, so that the caller can report them all at once.
// A line that is neither a comment, a [section] nor "key = value" is an error
// naming the file and the line number.
Result<std::vector<boost::program_options::option>> SplitIni(
    const std::string& path, const std::string& text,
    const std::vector<std::string>& known_keys);

// Boost's error message. Boost 1.74 builds what() by replacing each
// %placeholder% of its template until none is left, so a value that itself
// contains the placeholder (a hostile config line or command-line word such
// as "--x%canonical_option%") loops forever. Here every '%' in the values is
// shown as '?' first; the rest of the message is Boost's.
std::string DescribeOptionsError(const boost::program_options::error& e);

}  // namespace ct::config

#endif  // CYBERTROC_CONFIG_INI_H_

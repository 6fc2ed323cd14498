// Helpers shared by the subcommand files: option parsing with
// Boost.Program_options (errors become kUsage), opening the context, and
// printing.
#ifndef CYBERTROC_CLI_COMMON_H_
#define CYBERTROC_CLI_COMMON_H_

#include <boost/program_options.hpp>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/base/context.h"
#include "cli/commands.h"
#include "core/money.h"
#include "core/time.h"
#include "store/records.h"
#include "util/json.h"

namespace ct::cli {

namespace po = boost::program_options;

// One subcommand's grammar: named options and positional arguments.
struct Syntax {
  explicit Syntax(std::string usage_line) : usage(std::move(usage_line)) {}
  std::string usage;  // "deposit TX ROLE AMOUNT [--ref TEXT]"
  po::options_description options{"Options"};
  po::options_description hidden;  // positionals
  po::positional_options_description positional;
};

// Parses `args` (without the command name). `--help` is always known: then
// prints the usage and options to stdout and returns false. Unknown options,
// missing values and extra arguments are kUsage errors.
Result<bool> Parse(Syntax& syntax, const Args& args, po::variables_map& vm);

// kUsage "usage: cybertroc USAGE": the arguments fit none of the forms of
// the subcommand.
std::unexpected<Error> WrongUsage(const Syntax& syntax);

// The "ACTION [ARG...]" form of a subcommand with several actions
// ("keys bind EMAIL FPR").
struct Action {
  std::string name;
  std::vector<std::string> args;
};
struct ActionForm {
  std::string_view name;
  size_t args;  // how many arguments the action takes
};

// Declares the ACTION and ARG... positionals in `syntax`, before Parse.
void AddActionArguments(Syntax& syntax);

// The action and arguments that Parse read. Without an action: `fallback`,
// or kUsage "missing action" when it is "". WrongUsage unless `forms` holds
// the action with that number of arguments.
Result<Action> TakeAction(const po::variables_map& vm, const Syntax& syntax,
                          std::initializer_list<ActionForm> forms,
                          std::string_view fallback = "");

// The named positional or option value; kUsage "missing NAME" when absent.
Result<std::string> Required(const po::variables_map& vm,
                             const std::string& name, const std::string& usage);
std::string Optional(const po::variables_map& vm, const std::string& name);

// The context of a command; the database is created only for a command
// whose table entry says so (Globals::may_create_database).
Result<app::Context> OpenContext(const Globals& globals);

// ParseMoney in the configured currency; kInvalidInput "WHAT: ..." on error.
Result<core::Money> ParseAmount(const app::Context& ctx, std::string_view text,
                                std::string_view what);

// A deal id typed by the operator (kUsage when malformed).
Result<std::string> ParseId(std::string_view text);

void PrintJson(const util::Json& json);

// How a subcommand prints a list: with `json`, one array of to_json(row);
// else to_text(row) and a newline for each row, and then `none` on a line
// of its own when there is no row ("" = nothing then).
template <typename Row, typename ToJson, typename ToText>
void PrintRows(bool json, const std::vector<Row>& rows, ToJson to_json,
               ToText to_text, std::string_view none = "") {
  if (json) {
    util::Json list = util::Json::Array();
    for (const auto& row : rows) list.Push(to_json(row));
    PrintJson(list);
    return;
  }
  for (const auto& row : rows) std::cout << to_text(row) << '\n';
  if (rows.empty() && !none.empty()) std::cout << none << '\n';
}

// A time in --json output: ISO 8601, or null when there is none.
util::Json TimeOrNull(const std::optional<core::Time>& time);
// A text in --json output: null when it is empty.
util::Json TextOrNull(const std::string& text);

// A payout in --json output. `with_deal`: its deal and creation time too,
// for lists of payouts of several deals (`show TX` lists one deal's).
util::Json PayoutJson(const store::PayoutRecord& payout, bool with_deal);

// After an operator command: "CT-...: WHAT; now STATE, held 90.00 EUR", or
// with --json {id, state, held, deadline}.
void PrintDealAfter(const Globals& globals, const app::Context& ctx,
                    const core::Deal& deal, const std::string& what);

// `text` cut to `width` columns (UTF-8 code points), "…" marking the cut;
// control characters become spaces (party text never drives the terminal).
std::string Fit(std::string_view text, size_t width = 80);

// "2027-02-07 12:00 UTC (in 7 days)" or "-".
std::string DeadlineText(const std::optional<core::Time>& deadline,
                         core::Time now);

}  // namespace ct::cli

#endif  // CYBERTROC_CLI_COMMON_H_

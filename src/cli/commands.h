// The command table of `cybertroc` (notmuch's commands[], OpenSMTPD's
// smtpctl): one entry {name, handler, summary} per subcommand, one file per
// handler. A handler prints its own output and returns an Error for main to
// report as "cybertroc: ..." with the exit status of ExitCode().
#ifndef CYBERTROC_CLI_COMMANDS_H_
#define CYBERTROC_CLI_COMMANDS_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ct::cli {

// Options given before the command name.
struct Globals {
  std::string config_path;  // --config; "" = CYBERTROC_CONFIG or default
  bool json = false;        // --json
  // From the command's table entry: only `run`, `daemon` and `init` may
  // create a missing database.
  bool may_create_database = false;
};

using Args = std::vector<std::string>;
using Handler = Result<void> (*)(const Globals& globals, const Args& args);

struct CommandSpec {
  std::string_view name;
  Handler handler;
  std::string_view summary;       // one line for `cybertroc --help`
  bool creates_database = false;  // may create a missing store.database
};

std::span<const CommandSpec> Commands();
// nullptr when there is no such command.
const CommandSpec* FindCommand(std::string_view name);

// 0 done; 2 usage or configuration (bad option, unknown command or deal,
// malformed amount); 1 runtime failures and refused operator actions.
int ExitCode(const Error& error);

// Handlers, one per file.
Result<void> RunInit(const Globals& globals, const Args& args);
Result<void> RunCheck(const Globals& globals, const Args& args);
Result<void> RunOpen(const Globals& globals, const Args& args);
Result<void> RunDeposit(const Globals& globals, const Args& args);
Result<void> RunResolve(const Globals& globals, const Args& args);
Result<void> RunList(const Globals& globals, const Args& args);
Result<void> RunShow(const Globals& globals, const Args& args);
Result<void> RunPayouts(const Globals& globals, const Args& args);
Result<void> RunPayoutDone(const Globals& globals, const Args& args);
Result<void> RunTick(const Globals& globals, const Args& args);
Result<void> RunDeposits(const Globals& globals, const Args& args);
Result<void> RunAccounts(const Globals& globals, const Args& args);
Result<void> RunRun(const Globals& globals, const Args& args);
Result<void> RunDaemon(const Globals& globals, const Args& args);
Result<void> RunKeys(const Globals& globals, const Args& args);
Result<void> RunQuarantine(const Globals& globals, const Args& args);
Result<void> RunReprocess(const Globals& globals, const Args& args);
Result<void> RunListings(const Globals& globals, const Args& args);
Result<void> RunListing(const Globals& globals, const Args& args);
Result<void> RunCatalogue(const Globals& globals, const Args& args);
Result<void> RunReputation(const Globals& globals, const Args& args);
Result<void> RunModerators(const Globals& globals, const Args& args);

}  // namespace ct::cli

#endif  // CYBERTROC_CLI_COMMANDS_H_

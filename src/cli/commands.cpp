#include "cli/commands.h"

#include <array>

namespace ct::cli {
namespace {

// The last field says which commands may create a missing database: a
// typo in store.database must not show an empty new database to `list`.
constexpr std::array kCommands = {
    CommandSpec{"init", RunInit,
                "create the database (store.database) if it does not exist",
                true},
    CommandSpec{"run", RunRun,
                "one pass: fetch mail, process it, fire deadlines, send (cron)",
                true},
    CommandSpec{"daemon", RunDaemon,
                "`run` every inbox.poll_interval s; SIGTERM/SIGINT stop it",
                true},
    CommandSpec{"check", RunCheck,
                "validate config, rules, templates, keys and database"},
    CommandSpec{"open", RunOpen,
                "open an accepted sale or exchange (as codes 10 + 11)"},
    CommandSpec{"deposit", RunDeposit,
                "record a received deposit: TX ROLE AMOUNT [--ref TEXT]"},
    CommandSpec{"list", RunList,
                "one line per transaction [--state S] [--party EMAIL] "
                "[--overdue]"},
    CommandSpec{"show", RunShow, "everything about one transaction: TX"},
    CommandSpec{"deposits", RunDeposits,
                "record a bank statement's deposits: import FILE "
                "[--format camt053|csv] [--dry-run]"},
    CommandSpec{"payouts", RunPayouts,
                "payout instructions [--pending] [--csv | --sepa]"},
    CommandSpec{"accounts", RunAccounts,
                "parties' payout accounts: [list] | cancel EMAIL"},
    CommandSpec{"payout-done", RunPayoutDone,
                "mark a payout executed: ID --ref TEXT"},
    CommandSpec{"resolve", RunResolve,
                "close an expired or disputed deal: TX ROLE=AMOUNT ..."},
    CommandSpec{"keys", RunKeys,
                "key bindings: import FILE | list | bind EMAIL FPR"},
    CommandSpec{"quarantine", RunQuarantine,
                "list refused and unverifiable mail"},
    CommandSpec{"reprocess", RunReprocess,
                "process a stored message again: MESSAGE-ID"},
    CommandSpec{"tick", RunTick, "fire due deadlines and reminders only"},
    CommandSpec{
        "listings", RunListings,
        "one line per listing [--state open|locked|closed|expired|withdrawn]"},
    CommandSpec{"listing", RunListing,
                "everything about one listing: CL-XXXXXXXX"},
    CommandSpec{"catalogue", RunCatalogue,
                "write the public catalogue of open listings: --out DIR"},
    CommandSpec{"reputation", RunReputation,
                "a party's record: EMAIL|FPR [--json] | link OLD NEW"},
    CommandSpec{"moderators", RunModerators,
                "moderators: add EMAIL FPR [--fee P%] [--lang L] | list | "
                "remove EMAIL"},
};

}  // namespace

std::span<const CommandSpec> Commands() { return kCommands; }

const CommandSpec* FindCommand(std::string_view name) {
  for (const auto& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

int ExitCode(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kConfig:
    case ErrorKind::kNotFound:
    case ErrorKind::kInvalidInput:
      return 2;
    case ErrorKind::kRefused:
    case ErrorKind::kIo:
    case ErrorKind::kBusy:
    case ErrorKind::kInternal:
      return 1;
  }
  return 1;
}

}  // namespace ct::cli

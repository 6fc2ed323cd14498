// cybertroc [--config FILE] [--json] COMMAND [ARGS]: global options, then
// dispatch through the command table (cli/commands.cpp).
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

using ct::cli::Globals;

void PrintUsage(std::ostream& out) {
  out << "usage: cybertroc [--config FILE] [--json] COMMAND [ARGS]\n\n"
         "Commands:\n";
  for (const auto& command : ct::cli::Commands()) {
    std::string name(command.name);
    name.resize(std::max<size_t>(name.size() + 2, 14), ' ');
    out << "  " << name << command.summary << '\n';
  }
  out << "\n'cybertroc COMMAND --help' describes a command's arguments.\n";
}

int UsageError(const std::string& message) {
  std::cerr << "cybertroc: " << message << '\n';
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  Globals globals;
  size_t i = 0;
  bool help = false;
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    const std::string& arg = args[i];
    if (arg == "--json") {
      globals.json = true;
    } else if (arg == "--help" || arg == "-h") {
      help = true;
    } else if (arg == "--config" && i + 1 < args.size()) {
      globals.config_path = args[++i];
    } else if (arg.starts_with("--config=")) {
      globals.config_path = arg.substr(9);
    } else if (arg == "--") {
      ++i;
      break;
    } else {
      return UsageError("unknown or incomplete option '" + arg +
                        "' (see cybertroc --help)");
    }
  }
  if (i == args.size()) {
    if (help) {
      PrintUsage(std::cout);
      return 0;
    }
    PrintUsage(std::cerr);
    return 2;
  }
  const ct::cli::CommandSpec* command = ct::cli::FindCommand(args[i]);
  if (command == nullptr) {
    return UsageError("unknown command '" + args[i] +
                      "' (see cybertroc --help)");
  }
  globals.may_create_database = command->creates_database;
  std::vector<std::string> rest(args.begin() + i + 1, args.end());
  if (help) rest.insert(rest.begin(), "--help");
  auto done = command->handler(globals, rest);
  if (done) return 0;
  std::cerr << "cybertroc: " << done.error().message << '\n';
  return ct::cli::ExitCode(done.error());
}

// payouts [--pending] [--csv] and payout-done ID --ref TEXT.
#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "app/deals.h"
#include "cli/common.h"
#include "core/limits.h"

namespace ct::cli {
namespace {

std::string OptionalTime(const std::optional<core::Time>& t) {
  return t ? core::FormatIsoTime(*t) : "";
}

util::Json PayoutJson(const store::PayoutRecord& p) {
  return util::Json::Object()
      .Set("id", p.id)
      .Set("deal", p.deal_id)
      .Set("created", core::FormatIsoTime(p.created))
      .Set("payee", p.payee_role)
      .Set("email", p.payee_email)
      .Set("amount", p.amount.ToString())
      .Set("currency", p.currency)
      .Set("reason", p.reason)
      .Set("status", p.status)
      .Set("done_ref", p.done_ref)
      .Set("done_at", p.done_at ? util::Json(OptionalTime(p.done_at))
                                : util::Json::Null());
}

// RFC 4180 field; a leading = + - @ is defused so that a spreadsheet does
// not run party-chosen text as a formula.
std::string CsvField(std::string_view text) {
  std::string value(text);
  if (!value.empty() &&
      std::string_view("=+-@").find(value[0]) != std::string_view::npos) {
    value.insert(0, "'");
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void PrintCsv(const std::vector<store::PayoutRecord>& payouts) {
  std::cout << "id,deal,created,payee,email,amount,currency,reason,status,"
               "done_ref,done_at\r\n";
  for (const auto& p : payouts) {
    const std::string fields[] = {std::to_string(p.id),
                                  p.deal_id,
                                  core::FormatIsoTime(p.created),
                                  p.payee_role,
                                  p.payee_email,
                                  p.amount.ToString(),
                                  p.currency,
                                  p.reason,
                                  p.status,
                                  p.done_ref,
                                  OptionalTime(p.done_at)};
    std::string line;
    for (const auto& f : fields)
      line += (line.empty() ? "" : ",") + CsvField(f);
    std::cout << line << "\r\n";
  }
}

// Two lines each: what to pay, then to whom (and the transfer reference).
std::string PayoutLines(const store::PayoutRecord& p) {
  return Fit(fmt::format("{:>4}  {}  {:<8} {:>9} {}  {:<11} {}", p.id,
                         p.deal_id, p.payee_role, p.amount.ToString(),
                         p.currency, p.reason, p.status)) +
         "\n" +
         Fit(fmt::format("      to {}{}", p.payee_email,
                         p.done_ref.empty() ? "" : ", ref " + p.done_ref));
}

}  // namespace

Result<void> RunPayouts(const Globals& globals, const Args& args) {
  Syntax syntax("payouts [--pending] [--csv]");
  syntax.options.add_options()("pending", "only those not yet executed")(
      "csv", "comma-separated values with a header line");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto payouts = app::ListPayouts(*ctx, vm.count("pending") > 0);
  CT_TRY(payouts);
  if (vm.count("csv")) {
    PrintCsv(*payouts);
  } else if (globals.json) {
    util::Json list = util::Json::Array();
    for (const auto& p : *payouts) list.Push(PayoutJson(p));
    PrintJson(list);
  } else {
    for (const auto& p : *payouts) std::cout << PayoutLines(p) << '\n';
  }
  return {};
}

Result<void> RunPayoutDone(const Globals& globals, const Args& args) {
  Syntax syntax("payout-done ID --ref TEXT");
  syntax.options.add_options()("ref",
                               po::value<std::string>()->value_name("TEXT"),
                               "reference of the executed transfer (required)");
  syntax.hidden.add_options()("id", po::value<std::string>());
  syntax.positional.add("id", 1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto text = Required(vm, "id", syntax.usage);
  CT_TRY(text);
  auto ref = Required(vm, "ref", syntax.usage);
  CT_TRY(ref);
  CT_TRY(core::CheckFreeText("--ref", *ref, core::kMaxReferenceChars));
  int64_t id = 0;
  const auto [end, ec] =
      std::from_chars(text->data(), text->data() + text->size(), id);
  if (ec != std::errc() || end != text->data() + text->size() || id <= 0) {
    return Fail(ErrorKind::kUsage, "'" + *text + "' is not a payout id");
  }
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto done = app::PayoutDone(*ctx, id, *ref);
  CT_TRY(done);
  if (globals.json) {
    PrintJson(PayoutJson(*done));
  } else {
    std::cout << Fit(fmt::format("payout {} ({} {} to {} of {}) done, ref {}",
                                 done->id, done->amount.ToString(),
                                 done->currency, done->payee_role,
                                 done->deal_id, done->done_ref))
              << '\n';
  }
  return {};
}

}  // namespace ct::cli

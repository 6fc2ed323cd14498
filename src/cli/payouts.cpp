// payouts [--pending] [--csv] and payout-done ID --ref TEXT.
#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "app/accounts/accounts.h"
#include "app/bank/sepa_export.h"
#include "app/deals/deals.h"
#include "app/deals/views.h"
#include "cli/common.h"
#include "core/limits.h"
#include "money/iban.h"

namespace ct::cli {
namespace {

std::string OptionalTime(const std::optional<core::Time>& t) {
  return t ? core::FormatIsoTime(*t) : "";
}

// Where a payout goes: the payee's registered account
// (app/accounts/accounts.h), or why there is none.
struct Destination {
  std::optional<store::PayoutAccountRecord> account;
  std::string note;  // "" when there is an account
  std::string hold;  // app::PayoutHold: "" when it may be paid
};

Result<Destination> DestinationOf(app::Context& ctx,
                                  const store::PayoutRecord& p) {
  if (p.payee_role == core::kOperatorRole)
    return Destination{std::nullopt, "the operator itself: nothing to transfer",
                       ""};
  auto hold = app::PayoutHold(ctx, p);
  CT_TRY(hold);
  auto account = app::PayoutAccountOf(ctx, p.payee_email);
  CT_TRY(account);
  if (!*account)
    return Destination{std::nullopt,
                       "no account registered: ask " + p.payee_email,
                       std::move(*hold)};
  return Destination{std::move(*account), "", std::move(*hold)};
}

std::string Grouped(const std::string& iban) {
  auto parsed = money::ParseIban(iban);
  return parsed ? parsed->Grouped() : iban;
}

util::Json AccountJson(const Destination& d) {
  if (!d.account) return util::Json::Null();
  return util::Json::Object()
      .Set("iban", d.account->iban)
      .Set("bic", d.account->bic)
      .Set("name", d.account->name);
}

util::Json PayoutAndAccountJson(const store::PayoutRecord& p,
                                const Destination& d) {
  return PayoutJson(p, /*with_deal=*/true)
      .Set("account", AccountJson(d))
      .Set("account_note", d.note)
      .Set("held", d.hold);
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

Result<void> PrintCsv(app::Context& ctx,
                      const std::vector<store::PayoutRecord>& payouts) {
  std::cout << "id,deal,created,payee,email,amount,currency,reason,status,"
               "done_ref,done_at,iban,bic,account_name,account_note,held\r\n";
  for (const auto& p : payouts) {
    auto d = DestinationOf(ctx, p);
    CT_TRY(d);
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
                                  OptionalTime(p.done_at),
                                  d->account ? d->account->iban : "",
                                  d->account ? d->account->bic : "",
                                  d->account ? d->account->name : "",
                                  d->note,
                                  d->hold};
    std::string line;
    for (const auto& f : fields)
      line += (line.empty() ? "" : ",") + CsvField(f);
    std::cout << line << "\r\n";
  }
  return {};
}

// Three lines each: what to pay, to whom (and the transfer reference),
// and to which account.
std::string PayoutLines(const store::PayoutRecord& p, const Destination& d) {
  std::string account =
      d.account ? "account " + Grouped(d.account->iban) : d.note;
  if (d.account && !d.account->bic.empty())
    account += ", BIC " + d.account->bic;
  if (d.account && !d.account->name.empty()) account += ", " + d.account->name;
  return Fit(fmt::format("{:>4}  {}  {:<8} {:>9} {}  {:<11} {}", p.id,
                         p.deal_id, p.payee_role, p.amount.ToString(),
                         p.currency, p.reason, p.status)) +
         "\n" +
         Fit(fmt::format("      to {}{}", p.payee_email,
                         p.done_ref.empty() ? "" : ", ref " + p.done_ref)) +
         "\n" + Fit("      " + account) +
         (d.hold.empty() ? "" : "\n" + Fit("      " + d.hold, 200));
}

// --sepa: the file on stdout, what was left out (and why) on stderr.
Result<void> PrintSepa(app::Context& ctx) {
  auto batch = app::ExportSepa(ctx);
  CT_TRY(batch);
  for (const auto& line : batch->left_out)
    std::cerr << "left out: " << Fit(line, 200) << '\n';
  for (const auto& line : batch->notes)
    std::cerr << "note: " << Fit(line, 200) << '\n';
  if (batch->xml.empty())
    return Fail(ErrorKind::kRefused,
                "payouts --sepa: no pending payout has an account; nothing "
                "written");
  std::cout << batch->xml;
  std::cerr << fmt::format(
      "{} transfers written; once the bank has executed them, mark each "
      "with `cybertroc payout-done ID --ref TEXT`\n",
      batch->included.size());
  return {};
}

}  // namespace

Result<void> RunPayouts(const Globals& globals, const Args& args) {
  Syntax syntax("payouts [--pending] [--csv | --sepa]");
  syntax.options.add_options()("pending", "only those not yet executed")(
      "csv", "comma-separated values with a header line")(
      "sepa",
      "pending payouts with an account as a SEPA credit transfer file "
      "(pain.001.001.03) on stdout; the others listed on stderr");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  if (vm.count("sepa") && vm.count("csv"))
    return Fail(ErrorKind::kUsage, "payouts: --csv or --sepa, not both");
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  if (vm.count("sepa")) return PrintSepa(*ctx);
  auto payouts = app::ListPayouts(*ctx, vm.count("pending") > 0);
  CT_TRY(payouts);
  if (vm.count("csv")) return PrintCsv(*ctx, *payouts);
  util::Json list = util::Json::Array();
  for (const auto& p : *payouts) {
    auto d = DestinationOf(*ctx, p);
    CT_TRY(d);
    if (globals.json)
      list.Push(PayoutAndAccountJson(p, *d));
    else
      std::cout << PayoutLines(p, *d) << '\n';
  }
  if (globals.json) PrintJson(list);
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
  // The reference is the evidence that the money left: never blank.
  if (ref->find_first_not_of(" \t") == std::string::npos)
    return Fail(ErrorKind::kUsage,
                "payout-done: --ref is empty: give the bank's reference of "
                "the transfer");
  int64_t id = 0;
  const auto [end, ec] =
      std::from_chars(text->data(), text->data() + text->size(), id);
  if (ec != std::errc() || end != text->data() + text->size() || id <= 0) {
    return Fail(ErrorKind::kUsage,
                "'" + core::Excerpt(*text, 40) + "' is not a payout id");
  }
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto done = app::PayoutDone(*ctx, id, *ref);
  CT_TRY(done);
  if (globals.json) {
    PrintJson(PayoutJson(*done, /*with_deal=*/true));
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

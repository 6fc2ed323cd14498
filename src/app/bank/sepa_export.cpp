// `payouts --sepa`: the pending payouts that have an account, as the SEPA
// credit transfer file the operator uploads to the bank.
#include "app/bank/sepa_export.h"

#include <fmt/format.h>

#include "app/accounts/accounts.h"
#include "app/base/logging.h"
#include "config/bank_config.h"
#include "core/limits.h"
#include "money/pain001.h"
#include "store/money_repos.h"
#include "store/repos.h"
#include "util/sha256.h"

namespace ct::app {
namespace {

Result<money::SepaParty> Debtor(const Context& ctx) {
  const config::BankConfig& bank = ctx.config.bank;
  if (ctx.config.policy.money.currency != "EUR")
    return Fail(
        ErrorKind::kConfig,
        "payouts --sepa: SEPA transfers are in EUR, money.currency is " +
            ctx.config.policy.money.currency);
  auto iban = money::ParseIban(bank.pay_to_iban);
  if (!iban || bank.pay_to_name.empty())
    return Fail(ErrorKind::kConfig,
                "payouts --sepa: set money.pay_to_iban and money.pay_to_name "
                "(the account the transfers are paid from)");
  // The same test as `check`: what it lets through, the file can write.
  auto name = config::SepaPayToName(bank);
  if (!name)
    return Fail(name.error().kind, "payouts --sepa: " + name.error().message);
  return money::SepaParty{bank.pay_to_name, *iban, bank.pay_to_bic};
}

std::string Describe(const store::PayoutRecord& p) {
  return fmt::format("payout {} ({}, {} {} {})", p.id, p.deal_id, p.payee_role,
                     p.amount.ToString(), p.currency);
}

// "CT-7K3QX9A2 bond refund": what the payee reads on its statement.
std::string Remittance(const store::PayoutRecord& p) {
  std::string reason = p.reason;
  for (char& c : reason)
    if (c == '_') c = ' ';
  return p.deal_id + " " + reason;
}

// The name the file gives the payee: the account holder's, or the address
// when none was given or nothing readable is left of it (an account
// registered before such names were refused), with a note. kInvalidInput
// when the address cannot stand in either.
Result<std::string> PayeeName(const store::PayoutRecord& p,
                              const std::string& holder, SepaExport& out) {
  if (holder.empty()) return p.payee_email;
  auto written = money::SepaName(holder);
  if (written) return holder;
  if (written.error().kind != ErrorKind::kInvalidInput)
    return std::unexpected(written.error());
  auto address = money::SepaName(p.payee_email);
  if (!address && address.error().kind == ErrorKind::kInvalidInput)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("neither the account holder's name '{}' nor the "
                            "address keeps a letter or digit in a SEPA "
                            "transfer",
                            core::Excerpt(holder)));
  CT_TRY(address);
  out.notes.push_back(fmt::format(
      "{}: the account holder's name '{}' keeps no letter or digit in a SEPA "
      "transfer; the file names {} instead",
      Describe(p), core::Excerpt(holder), p.payee_email));
  return p.payee_email;
}

// The account payout `p` goes to, or nullopt when it stays out of the file
// (said in out.left_out).
Result<std::optional<store::PayoutAccountRecord>> AccountFor(
    Context& ctx, const store::PayoutRecord& p, SepaExport& out) {
  if (p.payee_role == core::kOperatorRole) {
    out.left_out.push_back(Describe(p) +
                           ": to the operator itself, nothing to transfer");
    return std::nullopt;
  }
  auto hold = PayoutHold(ctx, p);
  CT_TRY(hold);
  if (!hold->empty()) {
    out.left_out.push_back(Describe(p) + ": " + *hold);
    return std::nullopt;
  }
  auto account = PayoutAccountOf(ctx, p.payee_email);
  CT_TRY(account);
  if (!*account || !money::ParseIban((*account)->iban)) {
    out.left_out.push_back(Describe(p) + ": no account registered: ask " +
                           p.payee_email);
    return std::nullopt;
  }
  return account;
}

// The transfer to `account`. kInvalidInput when it cannot be written.
Result<money::SepaTransfer> TransferTo(
    const store::PayoutRecord& p, const store::PayoutAccountRecord& account,
    SepaExport& out) {
  auto iban = money::ParseIban(account.iban);
  CT_TRY(iban);
  auto name = PayeeName(p, account.name, out);
  CT_TRY(name);
  money::SepaTransfer transfer{money::PayoutReference(p.id),
                               {*name, *iban, account.bic},
                               p.amount,
                               Remittance(p)};
  CT_TRY(money::CheckSepaTransfer(transfer));
  return transfer;
}

// The transfer of payout `p`, or why it stays out of the file: one payout
// that cannot be written never keeps the others out.
Result<std::optional<money::SepaTransfer>> Transfer(
    Context& ctx, const store::PayoutRecord& p, SepaExport& out) {
  auto account = AccountFor(ctx, p, out);
  CT_TRY(account);
  if (!*account) return std::nullopt;
  auto transfer = TransferTo(p, **account, out);
  if (!transfer && transfer.error().kind == ErrorKind::kInvalidInput) {
    out.left_out.push_back(
        fmt::format("{}: {}; pay by hand and `payout-done {} --ref …`",
                    Describe(p), transfer.error().message, p.id));
    return std::nullopt;
  }
  CT_TRY(transfer);
  auto pending = store::AccountRepo(ctx.db).Pending(p.payee_email);
  CT_TRY(pending);
  if (*pending)
    out.notes.push_back(fmt::format(
        "{}: paid to {}; a change of account for {} applies {}", Describe(p),
        transfer->creditor.iban.Masked(), p.payee_email,
        core::FormatHumanTime((*pending)->effective)));
  return std::move(*transfer);
}

// The same payouts give the same message id, which banks refuse twice:
// uploading the same file again cannot pay twice.
std::string MessageId(const money::SepaBatch& batch) {
  std::string content;
  for (const auto& t : batch.transfers)
    content += t.end_to_end_id + ":" + t.amount.ToString() + ":" +
               t.creditor.iban.electronic() + "\n";
  return "CT" + util::Sha256Hex(content).substr(0, 24);
}

}  // namespace

Result<std::string> PayoutHold(Context& ctx, const store::PayoutRecord& p) {
  if (p.status == "done") return std::string();
  auto reversals =
      store::BankEntryRepo(ctx.db).Reversals(p.deal_id, p.payee_role);
  CT_TRY(reversals);
  if (reversals->empty()) return std::string();
  // The party whose money went back is not paid from money the operator
  // no longer holds; the other party's payouts go on (it did its part).
  core::Money taken;
  for (const auto& r : *reversals) taken += r.amount;
  const store::BankEntryRecord& last = reversals->back();
  return fmt::format(
      "held: the bank took back {} {} of the {}'s deposits (ref {}); once "
      "settled, pay by hand and `payout-done {} --ref …`",
      taken.ToString(), p.currency, p.payee_role, last.reference, p.id);
}

Result<SepaExport> ExportSepa(Context& ctx) {
  auto debtor = Debtor(ctx);
  CT_TRY(debtor);
  auto payouts = store::PayoutRepo(ctx.db).List(/*pending_only=*/true);
  CT_TRY(payouts);
  SepaExport out;
  money::SepaBatch batch{
      "", ctx.now, core::FormatIsoTime(ctx.now).substr(0, 10), *debtor, {}};
  for (const auto& p : *payouts) {
    auto transfer = Transfer(ctx, p, out);
    CT_TRY(transfer);
    if (!*transfer) continue;
    batch.transfers.push_back(std::move(**transfer));
    out.included.push_back(p.id);
  }
  if (batch.transfers.empty()) return out;
  batch.message_id = MessageId(batch);
  auto xml = money::WritePain001(batch);
  CT_TRY(xml);
  out.xml = std::move(*xml);
  Logger("app")->info("payouts --sepa: {} transfers in {}, {} left out",
                      out.included.size(), batch.message_id,
                      out.left_out.size());
  return out;
}

}  // namespace ct::app

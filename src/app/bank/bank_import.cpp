// `deposits import`: a bank statement's credits become deposits, its
// debits that name a payout mark that payout done, and the credits it takes
// back are recorded on their deals.
#include "app/bank/bank_import.h"

#include <fmt/format.h>

#include <set>

#include "app/base/logging.h"
#include "app/base/origin.h"
#include "app/deals/commit.h"
#include "core/limits.h"
#include "store/money_repos.h"
#include "store/repos.h"

namespace ct::app {
namespace {

using Outcome = ImportedLine::Outcome;

// The deposit reference recorded in the ledger: the bank's, or the line's
// key when the bank gives none.
std::string DepositRef(const money::StatementLine& line) {
  return line.reference.empty() ? line.key : line.reference;
}

// The references of `line` that name a deal and one of its roles; `why`
// says what was wrong with the others.
Result<std::vector<money::PaymentReference>> UsableReferences(
    Context& ctx, const money::StatementLine& line, std::string& why) {
  std::vector<money::PaymentReference> usable;
  for (const auto& ref : money::FindPaymentReferences(line.text)) {
    auto deal = store::DealRepo(ctx.db).Load(ref.deal_id);
    if (!deal && deal.error().kind != ErrorKind::kNotFound)
      return std::unexpected(deal.error());
    auto rules = deal ? ctx.rules.Find(deal->case_name)
                      : Result<const core::CaseRules*>(nullptr);
    if (!deal) {
      why = "no deal " + ref.deal_id;
    } else if (!rules || !(*rules)->HasRole(ref.role)) {
      why = ref.role.empty()
                ? ref.deal_id + " without a role (-SELLER, -BUYER, -A, -B)"
                : fmt::format("'{}' is not a role of {}",
                              core::Excerpt(ref.role, 20), ref.deal_id);
    } else {
      usable.push_back(ref);
    }
  }
  if (usable.empty() && why.empty()) why = "no payment reference";
  return usable;
}

// Recorded before? By an import (the line's key) or by hand (a deposit of
// that deal with the same reference).
Result<std::string> RecordedBefore(Context& ctx,
                                   const money::StatementLine& line,
                                   const std::string& deal_id) {
  auto entry = store::BankEntryRepo(ctx.db).Find(line.key);
  CT_TRY(entry);
  if (*entry)
    return fmt::format("imported {} as {} {}",
                       core::FormatHumanTime((*entry)->imported),
                       (*entry)->deal_id, (*entry)->role);
  if (line.reference.empty()) return std::string();
  auto ledger = store::HistoryRepo(ctx.db).Ledger(deal_id);
  CT_TRY(ledger);
  for (const auto& row : *ledger)
    if (row.kind == "deposit" && row.reference == line.reference)
      return fmt::format("a {} deposit with ref {} is in the ledger", row.role,
                         line.reference);
  return std::string();
}

// Records the deposit and the line's key together, or nothing.
Result<void> Record(Context& ctx, ImportedLine& out) {
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto before = RecordedBefore(ctx, out.line, out.deal_id);  // under the lock
  CT_TRY(before);
  if (!before->empty()) {
    out.outcome = Outcome::kAlready;
    out.detail = *before;
    return {};
  }
  auto deal = store::DealRepo(ctx.db).Load(out.deal_id);
  CT_TRY(deal);
  auto rules = ctx.rules.Find(deal->case_name);
  if (!rules) return Fail(ErrorKind::kConfig, rules.error().message);
  core::Command cmd;
  cmd.code = core::code::kDeposit;
  cmd.actor = core::kOperatorRole;
  cmd.deposit_role = out.role;
  cmd.amount = out.line.amount;
  cmd.reference = DepositRef(out.line);
  auto step = core::Step(**rules, ctx.config.policy, *deal, cmd, ctx.now);
  if (auto* refusal = std::get_if<core::Refusal>(&step)) {
    out.outcome = Outcome::kRefused;
    out.detail = refusal->reason;
    return {};  // rolled back: nothing recorded
  }
  const auto& outcome = std::get<core::Outcome>(step);
  auto event = WriteStep(ctx, *deal, outcome, cmd,
                         {ctx.config.outbox.operator_address, kCliRef});
  CT_TRY(event);
  store::BankEntryRecord entry{out.line.key, cmd.reference,   out.deal_id,
                               out.role,     out.line.amount, ctx.now,
                               *event};
  if (auto ok = store::BankEntryRepo(ctx.db).Insert(entry); !ok) return ok;
  if (auto ok = tx->Commit(); !ok) return ok;
  out.detail = "now " + outcome.deal.state;
  return {};
}

// A pending entry (camt Sts PDNG) may still vanish: nothing is taken from
// it before the bank books it.
bool NotBookedYet(const money::StatementLine& line, ImportedLine& out) {
  if (line.booked) return false;
  out.outcome = Outcome::kPending;
  out.detail = "not booked yet: import it again once booked";
  return true;
}

// The one deal and role of `refs` into `out`; false (kAmbiguous, each
// named) when there are several.
bool NameOne(const std::vector<money::PaymentReference>& refs,
             ImportedLine& out) {
  if (refs.size() > 1) {
    out.outcome = Outcome::kAmbiguous;
    for (const auto& r : refs)
      out.detail +=
          (out.detail.empty() ? "names " : " and ") + r.deal_id + " " + r.role;
    return false;
  }
  out.deal_id = refs.front().deal_id;
  out.role = refs.front().role;
  return true;
}

Result<ImportedLine> ImportLine(Context& ctx, const money::StatementLine& line,
                                bool dry_run) {
  ImportedLine out;
  out.line = line;
  if (NotBookedYet(line, out)) return out;
  std::string why;
  auto refs = UsableReferences(ctx, line, why);
  CT_TRY(refs);
  if (refs->empty()) {
    out.outcome = Outcome::kUnmatched;
    out.detail = why;
    return out;
  }
  if (!NameOne(*refs, out)) return out;
  out.outcome = Outcome::kRecorded;
  if (dry_run) {
    auto before = RecordedBefore(ctx, line, out.deal_id);
    CT_TRY(before);
    if (!before->empty()) {
      out.outcome = Outcome::kAlready;
      out.detail = *before;
    }
    return out;
  }
  CT_TRY(Record(ctx, out));
  return out;
}

// A debit naming payout N (its pain.001 EndToEndId, or N in the text): the
// transfer the operator's bank executed. nullopt: not one of ours.
Result<std::optional<ImportedLine>> ImportDebit(
    Context& ctx, const money::StatementLine& line, bool dry_run) {
  auto id = money::FindPayoutReference(line.end_to_end_id);
  if (!id) id = money::FindPayoutReference(line.text);
  if (!id) return std::nullopt;
  ImportedLine out;
  out.line = line;
  out.payout_id = *id;
  if (line.reversal) {
    // The bank undid a transfer that names the payout: most often the
    // payee's bank returned it. Never a reason to mark it done.
    out.outcome = Outcome::kUnmatched;
    out.detail = fmt::format(
        "a reversal naming payout {} (returned by the payee's bank?): the "
        "payout is left as it is; check it with `cybertroc payouts`",
        *id);
    return out;
  }
  if (NotBookedYet(line, out)) return out;
  auto tx = store::Transaction::Begin(ctx.db);  // read and mark as one
  CT_TRY(tx);
  store::PayoutRepo repo(ctx.db);
  auto payout = repo.Find(*id);
  CT_TRY(payout);
  out.outcome = Outcome::kUnmatched;
  if (!*payout) {
    out.detail = fmt::format("names payout {}, which does not exist", *id);
    return out;
  }
  const store::PayoutRecord& p = **payout;
  out.deal_id = p.deal_id;
  out.role = p.payee_role;
  if (p.status == "done") {
    out.outcome = Outcome::kAlready;
    out.detail = fmt::format("payout {} was marked done {}, ref {}", p.id,
                             p.done_at ? core::FormatHumanTime(*p.done_at) : "",
                             p.done_ref);
    return out;
  }
  if (p.amount != line.amount) {
    out.detail = fmt::format(
        "payout {} is {} {}, this debit {}: check the transfer, then "
        "`cybertroc payout-done {} --ref …`",
        p.id, p.amount.ToString(), p.currency, line.amount.ToString(), p.id);
    return out;
  }
  out.outcome = Outcome::kPaidOut;
  out.detail = fmt::format("payout {} done, ref {}", p.id, DepositRef(line));
  if (dry_run) return out;
  CT_TRY(repo.MarkDone(p.id, DepositRef(line), ctx.now));
  CT_TRY(tx->Commit());
  Logger("app")->info("payout {} of {} marked done by a statement debit", p.id,
                      p.deal_id);
  return out;
}

// What a deposit taken back means for the payouts to `role`, for the
// operator: held, still to come (and held then), or gone already.
Result<std::string> ReversalConsequence(Context& ctx,
                                        const std::string& deal_id,
                                        const std::string& role) {
  auto payouts = store::PayoutRepo(ctx.db).OfDeal(deal_id);
  CT_TRY(payouts);
  int pending = 0, done = 0;
  for (const auto& p : *payouts) {
    if (p.payee_role != role) continue;
    (p.status == "done" ? done : pending) += 1;
  }
  if (pending > 0)
    return fmt::format(
        "{} pending payout{} to the {} held from `payouts --sepa`; settle it "
        "with the parties",
        pending, pending == 1 ? "" : "s", role);
  if (done > 0)
    return fmt::format(
        "the {} was paid out already: recover the money from the party", role);
  return fmt::format(
      "payouts to the {} will be held when the deal ends; settle it with "
      "the parties",
      role);
}

// A DBIT reversal naming a deal's payment reference: the bank took back a
// deposit it had credited (the payer recalled it, a chargeback), so the
// deal counts money the operator no longer holds. Recorded on the deal
// once, as an event its history shows; the state does not change (the
// rules know nothing of banks), but payouts to that party are held from
// the SEPA file (sepa_export.cpp). nullopt: it names no deal.
Result<std::optional<ImportedLine>> ImportReversal(
    Context& ctx, const money::StatementLine& line, bool dry_run) {
  if (money::FindPaymentReferences(line.text).empty()) return std::nullopt;
  ImportedLine out;
  out.line = line;
  std::string why;
  auto refs = UsableReferences(ctx, line, why);
  CT_TRY(refs);
  if (refs->empty()) {
    out.outcome = Outcome::kUnmatched;
    out.detail = "a deposit taken back by the bank: " + why;
    return out;
  }
  if (!NameOne(*refs, out)) return out;
  if (NotBookedYet(line, out)) return out;
  auto tx = store::Transaction::Begin(ctx.db);  // look and record as one
  CT_TRY(tx);
  store::BankEntryRepo entries(ctx.db);
  auto before = entries.Find(line.key);
  CT_TRY(before);
  if (*before) {
    out.outcome = Outcome::kAlready;
    out.detail =
        fmt::format("imported {} as a {} of {} {}",
                    core::FormatHumanTime((*before)->imported), (*before)->kind,
                    (*before)->deal_id, (*before)->role);
    return out;
  }
  auto deal = store::DealRepo(ctx.db).Load(out.deal_id);
  CT_TRY(deal);
  out.outcome = Outcome::kReversed;
  auto consequence = ReversalConsequence(ctx, out.deal_id, out.role);
  CT_TRY(consequence);
  out.detail = fmt::format("the bank took back {} of the {}'s deposits ({})",
                           line.amount.ToString(), out.role, deal->state);
  out.action = *consequence;
  if (dry_run) return out;
  store::EventRecord event;
  event.deal_id = out.deal_id;
  event.at = ctx.now;
  event.code = core::code::kBankReversal;
  event.actor = core::kOperatorRole;
  event.actor_email = ctx.config.outbox.operator_address;
  event.from_state = event.to_state = deal->state;
  event.detail = fmt::format("{} {} taken back by the bank ref={}", out.role,
                             line.amount.ToString(), DepositRef(line));
  event.message_ref = kCliRef;
  auto event_id = store::HistoryRepo(ctx.db).AppendEvent(event);
  CT_TRY(event_id);
  store::BankEntryRecord entry{line.key,  DepositRef(line), out.deal_id,
                               out.role,  line.amount,      ctx.now,
                               *event_id, "reversal"};
  CT_TRY(entries.Insert(entry));
  CT_TRY(tx->Commit());
  Logger("app")->warn("{}: the bank took back {} of the {}'s deposits",
                      out.deal_id, line.amount.ToString(), out.role);
  return out;
}

// One line that ReportsLine().
Result<ImportedLine> ImportOne(Context& ctx, const money::StatementLine& line,
                               bool dry_run) {
  if (line.credit) return ImportLine(ctx, line, dry_run);
  auto used = ImportDebit(ctx, line, dry_run);
  CT_TRY(used);
  if (!*used && line.reversal && !line.booked_as_credit) {
    used = ImportReversal(ctx, line, dry_run);
    CT_TRY(used);
  }
  if (!*used)
    return Fail(ErrorKind::kInternal,
                fmt::format("statement line {} names nothing after all",
                            line.position));
  return std::move(**used);
}

}  // namespace

bool ReportsLine(const money::StatementLine& line) {
  if (line.amount.IsZero()) return false;
  if (line.credit) return true;
  if (money::FindPayoutReference(line.end_to_end_id) ||
      money::FindPayoutReference(line.text))
    return true;  // ImportDebit
  return line.reversal && !line.booked_as_credit &&
         !money::FindPaymentReferences(line.text).empty();  // ImportReversal
}

Result<ImportReport> ImportStatement(Context& ctx,
                                     money::StatementReader& statement,
                                     bool dry_run,
                                     const ImportedLineSink& report) {
  ImportReport counts;
  CT_TRY(
      statement.ForEach([&](const money::StatementLine& line) -> Result<void> {
        if (!ReportsLine(line)) {
          ++counts.debits;
          return {};
        }
        auto done = ImportOne(ctx, line, dry_run);
        CT_TRY(done);
        ++counts.lines;
        report(*done);
        return {};
      }));
  Logger("app")->info("deposits import: {} lines used, {} other debits{}",
                      counts.lines, counts.debits, dry_run ? " (dry run)" : "");
  return counts;
}

}  // namespace ct::app

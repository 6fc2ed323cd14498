// show TX: everything about one transaction, for support staff, in 80
// columns: parties, amounts, ledger, deadline, progress, history, mail,
// payouts.
#include "cli/show.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "app/deals/commit.h"
#include "app/deals/views.h"
#include "cli/common.h"

namespace ct::cli {
namespace {

void Line(const std::string& text) { std::cout << Fit(text) << '\n'; }

void Heading(const std::string& title) { std::cout << '\n' << title << '\n'; }

std::string Short(core::Time t) {
  // "2027-01-31 12:00" without the zone: the header says UTC once.
  std::string human = core::FormatHumanTime(t);
  return human.ends_with(" UTC") ? human.substr(0, human.size() - 4) : human;
}

// Key fingerprints in groups of four, as gpg prints them.
std::string Grouped(const std::string& fpr) {
  std::string out;
  for (size_t i = 0; i < fpr.size(); i += 4) {
    out += (i ? " " : "") + fpr.substr(i, 4);
  }
  return out;
}

// While only some parties did the current step: "a shipped (Colissimo
// ...)", "b has not shipped yet", and where a missed deadline now leads.
void PrintProgress(const app::DealView& view) {
  if (!view.partial) return;
  const char* label = "Progress  ";
  for (const auto& p : view.progress) {
    Line(label +
         (p.done
              ? fmt::format("{} {}{}", p.role, view.progress_mark,
                            p.detail.empty() ? "" : " (" + p.detail + ")")
              : fmt::format("{} has not {} yet", p.role, view.progress_mark)));
    label = "          ";
  }
  if (!view.deadline_outcome.empty())
    Line("          a missed deadline now leads to " + view.deadline_outcome);
}

void PrintSummary(const app::DealView& view, const app::Context& ctx) {
  const core::Deal& d = view.deal;
  const std::string& cur = ctx.config.policy.money.currency;
  Line(fmt::format("{}  {}  {}", d.id, d.case_name, d.state));
  Line("Created   " + core::FormatHumanTime(d.created) +
       ", in this state since " + Short(d.state_entered));
  Line("Deadline  " + DeadlineText(d.deadline, ctx.now));
  if (!view.listing_id.empty()) Line("Listing   " + view.listing_id);
  if (!view.waiting_for.empty()) {
    Line(fmt::format("Waiting   {}", fmt::join(view.waiting_for, ", ")));
  }
  PrintProgress(view);
  Line("Delivery  " + d.delivery + ", language " + d.lang);
  for (const auto& [key, text] : d.texts) {
    Line(fmt::format("{:<9} {}", key, text));
  }
  std::string amounts;
  for (const auto& [key, value] : d.amounts) {
    const std::string item = key + " " + value.ToString();
    if (amounts.size() + item.size() + 2 > 70) {
      Line("Amounts   " + amounts);
      amounts.clear();
    }
    amounts += (amounts.empty() ? "" : ", ") + item;
  }
  if (!amounts.empty()) Line("Amounts   " + amounts);
  Line(fmt::format("Held      {} {} (in {}, out {}){}", d.Held().ToString(),
                   cur, d.paid_in.ToString(), d.paid_out.ToString(),
                   d.funded ? ", commission taken" : ""));
  if (d.proposal) {
    std::string split;
    for (const auto& [role, amount] : d.proposal->split) {
      split += fmt::format(" {}={}", role, amount.ToString());
    }
    Line("Proposal  by " + d.proposal->by + ":" + split);
  }
}

void PrintParties(const app::DealView& view) {
  Heading("Parties");
  for (const auto& p : view.deal.parties) {
    Line(fmt::format("  {:<8} {}", p.role, p.email));
    auto fpr = view.fingerprints.find(p.role);
    Line("           key " + (fpr == view.fingerprints.end()
                                  ? std::string("(none bound yet)")
                                  : Grouped(fpr->second)));
    Line(fmt::format("           due {} (commission {}), received {}{}",
                     p.due.ToString(), p.commission.ToString(),
                     p.deposited.ToString(), p.Paid() ? ", paid" : ""));
    std::string progress = fmt::format("{}", fmt::join(p.marks, ", "));
    if (p.extend_days > 0) {
      progress += fmt::format("{}asks +{} days", progress.empty() ? "" : "; ",
                              p.extend_days);
    }
    Line("           progress " + (progress.empty() ? "-" : progress));
  }
}

void PrintLedger(const app::DealView& view) {
  Heading("Ledger");
  if (view.ledger.empty()) Line("  (empty)");
  for (const auto& l : view.ledger) {
    Line(fmt::format("  {}  {:<10} {:<8} {:>9}  {}{}", Short(l.at), l.kind,
                     l.role, l.amount.ToString(), l.reason,
                     l.reference.empty() ? "" : " ref=" + l.reference));
  }
}

void PrintEvents(const app::DealView& view) {
  Heading("Events");
  for (const auto& e : view.events) {
    const std::string move =
        e.refused ? "REFUSED"
                  : (e.from_state == e.to_state
                         ? e.to_state
                         : (e.from_state.empty() ? "" : e.from_state + " -> ") +
                               e.to_state);
    Line(fmt::format("  {}  {:<8} {:<8} {}{}", Short(e.at),
                     app::CodeName(e.code), e.actor, move,
                     e.detail.empty() ? "" : ": " + e.detail));
  }
}

void PrintMessages(const app::DealView& view) {
  Heading("Messages in");
  if (view.inbox.empty()) Line("  (none)");
  for (const auto& m : view.inbox) {
    Line(fmt::format("  {}  {:<11} {} {}", Short(m.fetched), m.status,
                     m.message_id, m.outcome));
  }
  Heading("Messages out");
  if (view.outbox.empty()) Line("  (none)");
  for (const auto& m : view.outbox) {
    Line(fmt::format("  {}  {:<7} {:<8} {} [{}]", Short(m.created), m.status,
                     m.to_role, m.to_email, m.templates));
  }
}

void PrintPayouts(const app::DealView& view) {
  Heading("Payouts");
  if (view.payouts.empty()) Line("  (none)");
  for (const auto& p : view.payouts) {
    Line(fmt::format("  #{:<4} {:<8} {:>9} {}  {:<11} {}{}", p.id, p.payee_role,
                     p.amount.ToString(), p.currency, p.reason, p.status,
                     p.done_ref.empty() ? "" : " ref=" + p.done_ref));
  }
}

}  // namespace

void PrintDealView(const app::DealView& view, const app::Context& ctx) {
  PrintSummary(view, ctx);
  PrintParties(view);
  PrintTrust(view);
  PrintLedger(view);
  PrintEvents(view);
  PrintMessages(view);
  PrintPayouts(view);
}

Result<void> RunShow(const Globals& globals, const Args& args) {
  Syntax syntax("show TX");
  syntax.hidden.add_options()("tx", po::value<std::string>());
  syntax.positional.add("tx", 1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto tx = Required(vm, "tx", syntax.usage);
  CT_TRY(tx);
  auto id = ParseId(*tx);
  CT_TRY(id);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto view = app::ShowDeal(*ctx, *id);
  CT_TRY(view);
  if (globals.json) {
    PrintJson(DealViewJson(*view, *ctx));
  } else {
    PrintDealView(*view, *ctx);
  }
  return {};
}

}  // namespace ct::cli

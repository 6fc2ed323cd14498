// Processing one stored message: screen, verify, identify, read the
// command, apply. Every outcome is recorded on the inbox row in the same
// transaction as the change it caused, so a crash and a restart give the
// same end state as no crash.
#include "app/inbound/process.h"

#include <fmt/format.h>

#include "app/accounts/accounts.h"
#include "app/base/faults.h"
#include "app/base/logging.h"
#include "app/base/origin.h"
#include "app/deals/commit.h"
#include "app/deals/deals.h"
#include "app/inbound/intake.h"
#include "app/inbound/listing_commands.h"
#include "app/inbound/screen.h"
#include "app/market/listings.h"
#include "app/outbound/replies.h"
#include "app/trust/trust.h"
#include "core/grammar.h"
#include "core/limits.h"
#include "core/trust_terms.h"
#include "crypto/runner.h"
#include "mail/mime.h"
#include "store/repos.h"
#include "verify/gpg_signatures.h"
#include "verify/identity.h"
#include "verify/keyring_access.h"
#include "verify/signed_text.h"

namespace ct::app {
namespace {

// Signatures from the future are tolerated this much (clock skew).
constexpr auto kFutureSkew = std::chrono::minutes(10);

// The message being processed and what became of it.
struct Job {
  const store::InboxRecord& row;
  std::string from;
  std::string status =
      "processed";  // processed | refused | quarantined | ignored
  std::string outcome;
  std::string deal_id;
  std::string signature;  // digest of the verified signature, if any
};

// A command (or offer) was applied: its remembered signature says so (a
// refused one stays unmarked), for whoever investigates a replay.
Result<void> MarkApplied(Context& ctx, const Job& job) {
  if (job.signature.empty()) return {};
  return store::KeyRepo(ctx.db).MarkAccepted(job.signature);
}

// The deal a refused message is about, when `email` may see it: the reply
// then shows its state and the codes that sender may send now.
std::optional<core::Deal> DealForReply(Context& ctx, const std::string& text,
                                       const std::string& email) {
  auto id = core::MentionedDealId(text);
  if (!id || email.empty()) return std::nullopt;
  auto deal = store::DealRepo(ctx.db).Load(*id);
  if (!deal) return std::nullopt;
  if (deal->PartyByEmail(email) || email == ctx.config.outbox.operator_address)
    return *deal;
  return std::nullopt;
}

Result<void> Finish(Context& ctx, Job& job, bool quarantine) {
  store::InboxRepo inbox(ctx.db);
  if (quarantine) {
    store::QuarantineRecord q;
    q.inbox_id = job.row.id;
    q.message_id = job.row.message_id;
    q.from_addr = job.from;
    q.reason = job.outcome;
    q.at = ctx.now;
    CT_TRY(inbox.Quarantine(q));
  }
  Logger("inbox")->info("message {} from {}: {} ({})", job.row.id, job.from,
                        job.status, job.outcome);
  return inbox.SetStatus(job.row.id, job.status, job.outcome, job.deal_id);
}

ReplyRequest Reply(const std::string& name, const std::string& to,
                   const std::string& reason, const Job& job,
                   const core::Deal* deal) {
  ReplyRequest reply;
  reply.template_name = name;
  reply.to_email = to;
  reply.reason = reason;
  reply.in_reply_to = job.row.message_id;
  reply.deal = deal;
  return reply;
}

// A refusal: reply (to a bound address only) and quarantine.
Result<void> Refuse(Context& ctx, Job& job, const std::string& reason,
                    const std::string& reply_to, const core::Deal* deal,
                    const core::Command& cmd,
                    const core::Refusal* refusal = nullptr) {
  job.status = "refused";
  job.outcome = reason;
  if (!reply_to.empty()) {
    ReplyRequest reply = Reply("refusal", reply_to, reason, job, deal);
    reply.command = cmd;
    if (refusal) {  // the engine's refusal can be said in the reader's words
      reply.reason_key = refusal->key;
      reply.reason_args = refusal->args;
    }
    auto queued = QueueReply(ctx, reply);
    CT_TRY(queued);
  }
  return Finish(ctx, job, true);
}

// Unverifiable mail: quarantined; explained only to a known address.
Result<void> Quarantine(Context& ctx, Job& job, const std::string& reason) {
  job.status = "quarantined";
  job.outcome = reason;
  auto known = verify::IsKnownAddress(ctx, job.from);
  CT_TRY(known);
  if (*known) {
    ReplyRequest reply = Reply("unsigned", job.from, reason, job, nullptr);
    CT_TRY(QueueReply(ctx, reply));
  }
  return Finish(ctx, job, true);
}

// A refusal decided here rather than by the engine, with its kind and
// values so that the reply can say it in the reader's language.
// The replay rules (docs/security.md): once per signature (applied or refused,
// it is remembered), not made more than gpg.max_signature_age_days ago, not
// from the future. Nothing else: mail is delivered out of order, so a command
// signed before one already applied is still applied. An empty reason when
// fine.
Result<core::Refusal> ReplayProblem(Context& ctx, const verify::SignedText& s,
                                    bool* seen) {
  store::KeyRepo keys(ctx.db);
  auto fresh = keys.RememberSignature(s.digest, s.fingerprint, s.made, ctx.now);
  CT_TRY(fresh);
  *seen = !*fresh;
  if (*seen)
    return core::Refusal{
        .reason = "this signed message was already processed (replay)",
        .key = "replay"};
  int max_age = ctx.config.gpg.max_signature_age_days;
  std::string made = core::FormatHumanTime(s.made);
  if (s.made < ctx.now - std::chrono::days(max_age))
    return core::Refusal{
        .reason =
            fmt::format("the signature was made more than {} days ago ({}); "
                        "send a new one",
                        max_age, made),
        .key = "too_old",
        .args = {{"days", std::to_string(max_age)}, {"date", made}}};
  if (s.made > ctx.now + kFutureSkew)
    return core::Refusal{.reason = fmt::format(
                             "the signature is dated in the future ({}); check "
                             "your clock",
                             made),
                         .key = "future",
                         .args = {{"date", made}}};
  return core::Refusal{};
}

Result<void> ApplyOffer(Context& ctx, Job& job, const core::OfferText& text,
                        const verify::Identity& who) {
  core::Command cmd;
  cmd.code = core::code::kOffer;
  if (who.is_operator)
    return Refuse(ctx, job, "the operator opens deals with `cybertroc open`",
                  who.email, nullptr, cmd);
  auto rules = ctx.rules.Find(text.case_name);
  if (!rules)
    return Refuse(
        ctx, job,
        fmt::format("CT 10 {}: {}", text.case_name, rules.error().message),
        who.email, nullptr, cmd);
  auto offer = core::OfferFromText(text, **rules, who.email,
                                   ctx.config.policy.money.currency);
  if (!offer)
    return Refuse(ctx, job, offer.error().message, who.email, nullptr, cmd);
  auto id =
      WriteOffer(ctx, **rules, *offer, Origin{who.email, job.row.message_id});
  if (!id) {
    if (id.error().kind == ErrorKind::kInvalidInput)
      return Refuse(ctx, job, id.error().message, who.email, nullptr, cmd);
    return std::unexpected(id.error());
  }
  job.deal_id = *id;
  job.outcome = "offer: opened " + *id;
  CT_TRY(MarkApplied(ctx, job));
  return Finish(ctx, job, false);
}

// A party's 70 once the deal is over: recorded, confirmed to the rater
// only (the comment is never mailed).
Result<void> ApplyRating(Context& ctx, Job& job, const core::CaseRules& rules,
                         const core::Deal& deal, const core::Command& cmd,
                         const verify::Identity& who) {
  auto refusal = RecordRating(ctx, rules, deal, cmd, who.email);
  CT_TRY(refusal);
  if (!refusal->reason.empty())
    return Refuse(ctx, job, refusal->reason, who.email, &deal, cmd, &*refusal);
  ReplyRequest reply = Reply("rated", who.email, "", job, &deal);
  reply.command = cmd;
  CT_TRY(QueueReply(ctx, reply));
  job.outcome = fmt::format("70 by {}: rated {:+d}", cmd.actor, cmd.score);
  if (auto ok = MarkApplied(ctx, job); !ok) return ok;
  return Finish(ctx, job, false);
}

// CT 00 REPUTATION: the record of an address or key, to a bound sender.
Result<void> ApplyReputation(Context& ctx, Job& job, const std::string& query,
                             const verify::Identity& who) {
  auto summary = Reputation(ctx, query);
  if (!summary) {
    if (summary.error().kind != ErrorKind::kInvalidInput)
      return std::unexpected(summary.error());
    return Refuse(ctx, job, summary.error().message, who.email, nullptr, {});
  }
  ReplyRequest reply = Reply("reputation", who.email, "", job, nullptr);
  reply.reputation = std::move(*summary);
  CT_TRY(QueueReply(ctx, reply));
  job.outcome = "reputation of " + core::Excerpt(query, 60) + " sent";
  return Finish(ctx, job, false);
}

Result<void> ApplyCommand(Context& ctx, Job& job, const core::Parsed& parsed,
                          const verify::Identity& who, bool encrypted) {
  core::Command cmd = parsed.command;
  auto deal = store::DealRepo(ctx.db).Load(parsed.deal_id);
  if (!deal) {
    if (deal.error().kind != ErrorKind::kNotFound)
      return std::unexpected(deal.error());
    auto r = core::Refusal{
        .reason = fmt::format("there is no deal {}", parsed.deal_id),
        .key = "no_deal",
        .args = {{"id", parsed.deal_id}}};
    return Refuse(ctx, job, r.reason, who.email, nullptr, cmd, &r);
  }
  job.deal_id = deal->id;
  const core::PartyState* party = deal->PartyByEmail(who.email);
  auto rules = ctx.rules.Find(deal->case_name);
  if (!rules) return Fail(ErrorKind::kConfig, rules.error().message);
  // The deal's moderator acts in its own role (rules: [moderation]).
  const bool moderator = !who.is_operator && !party &&
                         !core::ModeratorOf(*deal).empty() &&
                         core::ModeratorOf(*deal) == who.email;
  if (!who.is_operator && !party && !moderator) {
    auto r = core::Refusal{
        .reason = fmt::format("{} is not a party of {}", who.email, deal->id),
        .key = "not_party",
        .args = {{"email", who.email}, {"id", deal->id}}};
    return Refuse(ctx, job, r.reason, who.email, nullptr, cmd, &r);
  }
  cmd.actor = who.is_operator ? core::kOperatorRole
              : moderator     ? (*rules)->moderation.role
                              : party->role;
  if (cmd.code == core::code::kRate)
    return ApplyRating(ctx, job, **rules, *deal, cmd, who);
  auto step = core::Step(**rules, ctx.config.policy, *deal, cmd, ctx.now);
  Origin origin{who.email, job.row.message_id, encrypted};
  if (auto* refusal = std::get_if<core::Refusal>(&step)) {
    CT_TRY(WriteRefusal(ctx, *deal, cmd, *refusal, origin));
    return Refuse(ctx, job, refusal->reason, who.email, &*deal, cmd, refusal);
  }
  const auto& outcome = std::get<core::Outcome>(step);
  CT_TRY(WriteStep(ctx, *deal, outcome, cmd, origin));
  job.outcome =
      fmt::format("{} by {}: {} -> {}", CodeName(cmd.code), cmd.actor,
                  outcome.effects.from_state, outcome.effects.to_state);
  CT_TRY(MarkApplied(ctx, job));
  return Finish(ctx, job, false);
}

// CT 05, CT 06, CL-… (app/market/listings.h): the same signing, binding and
// replay rules as a deal's commands have already been applied.
Result<void> ApplyListing(Context& ctx, Job& job, const core::Parsed& parsed,
                          const verify::Identity& who) {
  if (who.is_operator)
    return Refuse(ctx, job,
                  "the operator reads listings with `cybertroc "
                  "listings`",
                  who.email, nullptr, {});
  auto done = ApplyListingMail(ctx, parsed, who.email, job.row.message_id);
  CT_TRY(done);
  if (done->refused)
    return Refuse(ctx, job, done->reason, who.email, nullptr, {});
  job.outcome = done->outcome;
  job.deal_id = done->deal_id;
  if (auto ok = MarkApplied(ctx, job); !ok) return ok;
  return Finish(ctx, job, false);
}

// CT 03: where the sender is paid (app/accounts/accounts.h).
Result<void> ApplyAccount(Context& ctx, Job& job, const core::AccountText& text,
                          const verify::Identity& who, const std::string& fpr) {
  if (who.is_operator)
    return Refuse(ctx, job,
                  "the operator's own account is money.pay_to_iban in the "
                  "configuration",
                  who.email, nullptr, {});
  auto done = RegisterAccount(ctx, {who.email, fpr, job.row.message_id, text});
  if (!done && done.error().kind == ErrorKind::kInvalidInput)
    return Refuse(ctx, job, done.error().message, who.email, nullptr, {});
  CT_TRY(done);
  job.outcome = *done;
  if (auto ok = MarkApplied(ctx, job); !ok) return ok;
  return Finish(ctx, job, false);
}

// Everything after a good signature, inside the message's transaction.
Result<void> ApplySigned(Context& ctx, Job& job, const verify::SignedText& s) {
  auto identity = verify::Identify(ctx, s, job.from);
  CT_TRY(identity);
  if (auto* problem = std::get_if<verify::IdentityProblem>(&*identity)) {
    auto deal = DealForReply(ctx, s.text, problem->reply_to);
    auto r = core::Refusal{
        .reason = problem->reason, .key = problem->key, .args = problem->args};
    return Refuse(ctx, job, problem->reason, problem->reply_to,
                  deal ? &*deal : nullptr, {}, &r);
  }
  const verify::Identity& who = std::get<verify::Identity>(*identity);
  // Refusals below show the deal the sender is talking about.
  const auto about = DealForReply(ctx, s.text, who.email);
  const core::Deal* about_ptr = about ? &*about : nullptr;
  job.signature = s.digest;
  bool seen = false;
  auto replay = ReplayProblem(ctx, s, &seen);
  CT_TRY(replay);
  if (seen) {  // a replay gets no answer: it would let anyone spam a party
    job.status = "quarantined";
    job.outcome = replay->reason;
    return Finish(ctx, job, true);
  }
  if (!replay->reason.empty())
    return Refuse(ctx, job, replay->reason, who.email, about_ptr, {}, &*replay);
  if (who.bind_now)
    CT_TRY(verify::BindKey(ctx, who.email, s.fingerprint,
                           verify::BindingKind::kFirstUse));
  auto parsed =
      core::ParseCommandText(s.text, ctx.config.policy.money.currency);
  if (!parsed)
    return Refuse(ctx, job, parsed.error().message, who.email, about_ptr, {});
  switch (parsed->kind) {
    case core::Parsed::Kind::kNone:
    case core::Parsed::Kind::kHelp: {
      ReplyRequest help = Reply("help", who.email, "", job, nullptr);
      CT_TRY(QueueReply(ctx, help));
      job.outcome = "help sent";
      return Finish(ctx, job, false);
    }
    case core::Parsed::Kind::kOffer:
      return ApplyOffer(ctx, job, parsed->offer, who);
    case core::Parsed::Kind::kCommand:
      return ApplyCommand(ctx, job, *parsed, who, s.encrypted);
    case core::Parsed::Kind::kReputation:
      return ApplyReputation(ctx, job, parsed->query, who);
    case core::Parsed::Kind::kAccount:
      return ApplyAccount(ctx, job, parsed->account, who, s.fingerprint);
    case core::Parsed::Kind::kListing:
    case core::Parsed::Kind::kSearch:
    case core::Parsed::Kind::kListingCommand:
      return ApplyListing(ctx, job, *parsed, who);
  }
  return Fail(ErrorKind::kInternal, "unreachable");
}

void Count(const Job& job, ProcessReport& report) {
  if (job.status == "ignored")
    ++report.ignored;
  else if (job.status == "quarantined")
    ++report.quarantined;
  else if (job.status == "refused")
    ++report.refused;
  else if (job.outcome == "help sent")
    ++report.helped;
  else
    ++report.applied;
}

}  // namespace

Examined ExamineMessage(const config::Config& config, crypto::GpgContext& gpg,
                        const store::InboxRecord& row,
                        verify::KeyringAccess& keyring) {
  Examined out;
  const mail::Entity root = mail::ParseEntity(row.raw);
  out.from = mail::AddressOf(root.Header("From"));
  out.screen = Screen(root, mail::AddressOf(config.outbox.from));
  out.oversized = row.outcome.rfind(kOversized, 0) == 0;
  if (out.screen.never_answer || out.oversized) return out;
  keyring.Import(gpg, root);
  MaybeCrashOn("verifying", row.message_id);
  // Decrypted or signed text is held to the size of a message we accept.
  out.signed_text = keyring.Verify(
      gpg, root, static_cast<size_t>(config.inbox.max_message_size));
  return out;
}

Result<void> ApplyMessage(Context& ctx, const store::InboxRecord& row,
                          const Examined& examined, ProcessReport& report) {
  const auto& signed_text = examined.signed_text;
  if (!signed_text && signed_text.error().kind == ErrorKind::kIo)
    return std::unexpected(signed_text.error());  // GnuPG broke: retry
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto fresh = store::InboxRepo(ctx.db).Load(row.id);  // under the write lock
  CT_TRY(fresh);
  if (fresh->status != "new") return {};  // another run got there first
  Job job{row, examined.from, "processed", "", "", ""};
  Result<void> done;
  if (examined.screen.never_answer) {
    job.status = "ignored";
    job.outcome = examined.screen.why;
    done = Finish(ctx, job, false);
  } else if (examined.oversized) {
    done = Quarantine(ctx, job, job.row.outcome);
  } else if (!signed_text) {
    done = Quarantine(ctx, job, signed_text.error().message);
  } else {
    done = ApplySigned(ctx, job, *signed_text);
  }
  CT_TRY(done);
  MaybeFail("process", job.row.message_id);  // all written, not committed
  CT_TRY(tx->Commit());
  Count(job, report);
  return {};
}

Result<void> ProcessMessage(Context& ctx, crypto::GpgContext& gpg,
                            int64_t inbox_id, ProcessReport& report) {
  auto row = store::InboxRepo(ctx.db).Load(inbox_id);
  CT_TRY(row);
  if (row->status != "new") return {};  // another run got there first
  // GnuPG runs before the transaction: it is slow and touches no table.
  verify::KeyringAccess alone;
  const Examined examined = ExamineMessage(ctx.config, gpg, *row, alone);
  return ApplyMessage(ctx, *row, examined, report);
}

}  // namespace ct::app

#include "app/outbound/sender.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>
#include <vector>

#include "app/base/faults.h"
#include "app/base/gpg_pool.h"
#include "app/base/logging.h"
#include "app/base/ordered_pool.h"
#include "app/base/secret.h"
#include "app/outbound/mail_queue.h"
#include "crypto/import.h"
#include "mail/compose.h"
#include "mail/mime.h"
#include "mail/open_transport.h"
#include "store/repos.h"
#include "util/sha256.h"
#include "verify/identity.h"

namespace ct::app {
namespace {

// Rows in hand (read, being composed, composed) per worker, at least
// kMinInHand: enough to keep every worker busy while the transport sends,
// few enough that memory stays flat whatever the backlog.
constexpr size_t kInHandPerWorker = 4;
constexpr size_t kMinInHand = 8;

// Sent messages recorded as sent in one transaction, or after kSentAge:
// a crash between a send and its record sends at most these again, each
// under its own Message-ID (dir:// finds their files and writes nothing).
// A run's first batch is one message, and each batch doubles up to
// kSentBatch: a run killed early, even again and again (a crash loop),
// still moves the outbox forward.
constexpr size_t kSentBatch = 32;
constexpr auto kSentAge = std::chrono::seconds(1);

// Rows read per query when the transport is down.
constexpr int kOutagePage = 100;

// The dir:// file name of `row`, the same on every attempt: the row id,
// zero-padded so that names sort in queue order, and a digest of its
// Message-ID (random, given when it was queued), so that another
// database writing to the same directory, or this one made anew, never
// takes the name of a file already there.
std::string DeliveryKey(const store::OutboxRecord& row) {
  return fmt::format("{:010}-{}", row.id,
                     util::Sha256Hex(row.message_id).substr(0, 16));
}

// Whom to encrypt to: the bound key of a party, the operator's key; "" for
// nobody. Reads the database: the main thread's part of EncryptionKeys.
Result<std::string> RecipientKey(Context& ctx, const store::OutboxRecord& row) {
  if (!ctx.config.gpg.encrypt_replies) return std::string();
  if (row.to_email == ctx.config.outbox.operator_address)
    return verify::NormalizeFingerprint(ctx.config.gpg.operator_key);
  auto binding = store::KeyRepo(ctx.db).Find(row.to_email);
  CT_TRY(binding);
  return *binding ? (*binding)->fingerprint : std::string();
}

// `fpr` (from RecipientKey) when its key is in the keyring and can encrypt.
// Runs on a worker: GnuPG only, never the database.
Result<std::vector<std::string>> EncryptionKeys(crypto::GpgContext& gpg,
                                                const std::string& fpr) {
  if (fpr.empty()) return std::vector<std::string>{};
  auto key = crypto::LookupKey(gpg, fpr);
  CT_TRY(key);
  if (!*key || !(*key)->can_encrypt) return std::vector<std::string>{};
  return std::vector<std::string>{fpr};
}

// Runs on a worker: reads ctx's config and clock, never its database.
Result<std::string> Build(const Context& ctx, crypto::GpgContext& gpg,
                          const store::OutboxRecord& row,
                          const std::string& recipient_key) {
  mail::OutgoingMail m;
  m.from = ctx.config.outbox.from;
  m.to = row.to_email;
  m.subject = row.subject;
  m.body = row.body;
  m.message_id = row.message_id;
  m.in_reply_to = row.in_reply_to;
  m.auto_submitted = row.kind == "notice" ? "auto-generated" : "auto-replied";
  m.loop_token = mail::AddressOf(ctx.config.outbox.from);
  m.date = ctx.now;
  for (const auto& file : row.attachments)
    m.attachments.push_back({file.filename, file.content_type, file.data});
  auto keys = EncryptionKeys(gpg, recipient_key);
  CT_TRY(keys);
  return mail::Compose(gpg, m, ctx.config.gpg.escrow_key, *keys);
}

// The operator hears about a message we could not deliver (never about
// its own undeliverable notices: that would loop).
Result<void> TellOperator(Context& ctx, const store::OutboxRecord& row,
                          const std::string& why) {
  if (row.to_email == ctx.config.outbox.operator_address) return {};
  store::OutboxRecord notice;
  notice.deal_id = row.deal_id;
  notice.created = ctx.now;
  notice.to_email = ctx.config.outbox.operator_address;
  notice.to_role = "operator";
  notice.lang = ctx.config.templates.default_language;
  notice.kind = "notice";
  notice.templates = "delivery_failed";
  notify::MessageInput in;
  in.currency = ctx.config.policy.money.currency;
  in.recipient_role = core::kOperatorRole;
  in.recipient_email = notice.to_email;
  // With its deal, the notice can show the deal and the operator's steps.
  std::optional<core::Deal> deal;
  if (!row.deal_id.empty()) {
    auto loaded = store::DealRepo(ctx.db).Load(row.deal_id);
    if (loaded) deal = std::move(*loaded);
  }
  if (deal) {
    in.deal = &*deal;
    if (auto rules = ctx.rules.Find(deal->case_name)) in.rules = *rules;
  }
  in.reason = fmt::format(
      "to {} (\"{}\"), queued {}, {} attempts; last error: {}", row.to_email,
      row.subject, core::FormatHumanTime(row.created), row.attempts, why);
  auto text = ctx.renderer.Render({"delivery_failed"}, notice.lang, in);
  CT_TRY(text);
  notice.subject = text->subject;  // carries "[CT-…] " when about a deal
  notice.body = text->body;
  notice.next_attempt = ctx.now;
  auto id = QueueMail(ctx, std::move(notice));
  CT_TRY(id);
  return {};
}

// Records a failed attempt: retry later, or give up and tell the operator.
// REQUIRES: an open transaction on ctx.db.
Result<void> RecordFailure(Context& ctx, store::OutboxRecord& row,
                           const Error& error, SendReport& report) {
  ++row.attempts;
  row.last_error = error.message;
  bool too_old = ctx.now - row.created >=
                 std::chrono::hours(ctx.config.outbox.give_up_hours);
  bool permanent = error.kind == ErrorKind::kRefused;
  if (permanent || too_old) {
    row.status = permanent ? "failed" : "gave_up";
    ++(permanent ? report.failed : report.gave_up);
    CT_TRY(TellOperator(ctx, row, error.message));
  } else {
    row.next_attempt = ctx.now + Backoff(row.attempts);
    ++report.retried;
  }
  Logger("outbox")->warn("message {} to {}: {} ({})", row.id, row.to_email,
                         row.status, error.message);
  return store::OutboxRepo(ctx.db).Save(row);
}

Result<void> Failed(Context& ctx, store::OutboxRecord& row, const Error& error,
                    SendReport& report) {
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  CT_TRY(RecordFailure(ctx, row, error, report));
  return tx->Commit();
}

// The transport is down: counts an attempt on every due row, a page of
// rows per transaction.
Result<void> FailAllDue(Context& ctx, const Error& error, SendReport& report) {
  store::OutboxRepo outbox(ctx.db);
  auto last = outbox.LastId();  // what this records queues waits its turn
  CT_TRY(last);
  for (int64_t after = 0;;) {
    auto due = outbox.Due(ctx.now, after, *last, kOutagePage);
    CT_TRY(due);
    if (due->empty()) return {};
    auto tx = store::Transaction::Begin(ctx.db);
    CT_TRY(tx);
    for (auto& row : *due) {
      after = row.id;
      CT_TRY(RecordFailure(ctx, row, error, report));
    }
    CT_TRY(tx->Commit());
  }
}

// One queued row on its way out.
struct Job {
  store::OutboxRecord row;
  std::string recipient_key;                // read by the main thread
  Result<std::string> raw = std::string();  // composed by a worker
};

using ComposePool = OrderedPool<crypto::GpgContext*, Job>;

// One delivery: the main thread reads due rows a page at a time, workers
// (each with its own GnuPG context) compose and sign them in parallel, and
// the main thread sends them in queue order through the one transport and
// records the results on its database connection.
class Delivery {
 public:
  Delivery(Context& ctx, crypto::GpgContext& gpg, mail::Transport& transport)
      : ctx_(ctx),
        gpg_(gpg),
        transport_(transport),
        in_hand_(std::max(kMinInHand, kInHandPerWorker * Workers(ctx.config))) {
    env_.from = mail::AddressOf(ctx.config.outbox.from);
  }

  // The workers stop, and their contexts go back to the run.
  ~Delivery() {
    pool_.reset();
    KeepGpg(ctx_, extra_);
  }
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  Result<SendReport> Run() {
    // Mail queued while this runs (a notice to the operator) waits for the
    // next run, as a message that failed now does.
    auto last = store::OutboxRepo(ctx_.db).LastId();
    CT_TRY(last);
    last_id_ = *last;
    for (;;) {
      if (auto ok = Refill(); !ok) return Abort(ok.error());
      if (!pool_ || pool_->InFlight() == 0) break;
      Job job = pool_->Take();
      if (auto ok = Deliver(job); !ok) return Abort(ok.error());
    }
    CT_TRY(RecordSent());
    return report_;
  }

 private:
  static size_t Workers(const config::Config& config) {
    return static_cast<size_t>(std::max(1, config.inbox.workers));
  }

  // Reads more due rows once half of those in hand are out.
  Result<void> Refill() {
    const size_t held = pool_ ? pool_->InFlight() : 0;
    if (exhausted_ || held > in_hand_ / 2) return {};
    auto rows = store::OutboxRepo(ctx_.db).Due(
        ctx_.now, after_id_, last_id_, static_cast<int>(in_hand_ - held));
    CT_TRY(rows);
    exhausted_ = rows->empty();
    if (!exhausted_ && !pool_) {
      CT_TRY(StartWorkers(rows->size()));
    }
    for (auto& row : *rows) {
      after_id_ = row.id;
      auto job = Prepare(std::move(row));
      CT_TRY(job);
      pool_->Submit(std::move(*job));
    }
    return {};
  }

  // What a worker needs that only the main thread may read.
  Result<Job> Prepare(store::OutboxRecord row) {
    if (row.message_id.empty()) {
      // Queued by an older version: its Message-ID is saved before the
      // first attempt, so that every attempt carries the same one.
      row.message_id = NewMessageId(ctx_);
      CT_TRY(store::OutboxRepo(ctx_.db).Save(row));
    }
    auto key = RecipientKey(ctx_, row);
    CT_TRY(key);
    return Job{std::move(row), std::move(*key)};
  }

  // One thread per worker, no more than there are rows: the caller's
  // context and, for the others, contexts of their own.
  Result<void> StartWorkers(size_t rows) {
    // As for incoming mail: side by side, gpg processes wait for each
    // other's random_seed lock unless gpg.conf says no-random-seed-file.
    const size_t workers = Workers(ctx_.config) > 1 && ParallelGnupgReady(ctx_)
                               ? Workers(ctx_.config)
                               : 1;
    const size_t n = std::min(workers, rows);
    while (extra_.size() + 1 < n) {
      auto opened = TakeGpg(ctx_);
      CT_TRY(opened);
      extra_.push_back(std::move(*opened));
    }
    std::vector<crypto::GpgContext*> contexts{&gpg_};
    for (auto& gpg : extra_) contexts.push_back(&gpg);
    const Context* ctx = &ctx_;
    pool_ = std::make_unique<ComposePool>(
        std::move(contexts), [ctx](crypto::GpgContext*& gpg, Job& job) {
          job.raw = Build(*ctx, *gpg, job.row, job.recipient_key);
        });
    return {};
  }

  // GnuPG sometimes fails when several gpg processes use one agent at once
  // (seen: "Unmatched parentheses in S-expression" from the agent): such a
  // row is composed once more, alone, in a context of its own (every
  // worker's context may be busy), before the run gives up on our keys.
  void RecomposeAlone(Job& job) {
    Logger("outbox")->warn("composing message {} failed ({}); once more alone",
                           job.row.id, job.raw.error().message);
    auto alone = OpenGpg(ctx_);
    if (!alone) return;
    job.raw = Build(ctx_, *alone, job.row, job.recipient_key);
  }

  Result<void> Deliver(Job& job) {
    store::OutboxRecord& row = job.row;
    if (!job.raw && job.raw.error().kind == ErrorKind::kIo) RecomposeAlone(job);
    CT_TRY(job.raw);  // our keys
    env_.to = {row.to_email};
    env_.delivery_key = DeliveryKey(row);
    auto sent = transport_.Send(env_, *job.raw);
    if (!sent) {
      if (sent.error().kind == ErrorKind::kConfig)
        return std::unexpected(sent.error());
      return Failed(ctx_, row, sent.error(), report_);
    }
    MaybeCrash("after-send");
    const auto now = std::chrono::steady_clock::now();
    if (unrecorded_.empty()) oldest_unrecorded_ = now;
    unrecorded_.push_back({row.id, row.attempts + 1});
    ++report_.sent;
    if (unrecorded_.size() >= batch_ || now - oldest_unrecorded_ >= kSentAge)
      return RecordSent();
    return {};
  }

  // Makes the sent messages durable at the transport, then marks them
  // sent, all in one transaction.
  Result<void> RecordSent() {
    if (unrecorded_.empty()) return {};
    CT_TRY(transport_.Flush());
    MaybeCrash("after-flush");
    auto tx = store::Transaction::Begin(ctx_.db);
    CT_TRY(tx);
    store::OutboxRepo outbox(ctx_.db);
    for (const auto& [id, attempts] : unrecorded_) {
      CT_TRY(outbox.MarkSent(id, attempts, ctx_.now));
    }
    CT_TRY(tx->Commit());
    unrecorded_.clear();
    batch_ = std::min(batch_ * 2, kSentBatch);
    return {};
  }

  // Stops on `error`, first recording what the transport took.
  Result<SendReport> Abort(const Error& error) {
    pool_.reset();  // workers stop before the database is written
    if (auto ok = RecordSent(); !ok)
      Logger("outbox")->error("recording sent messages: {}",
                              ok.error().message);
    return std::unexpected(error);
  }

  struct Unrecorded {
    int64_t id;
    int attempts;
  };

  Context& ctx_;
  crypto::GpgContext& gpg_;
  mail::Transport& transport_;
  const size_t in_hand_;
  mail::Envelope env_;
  SendReport report_;
  int64_t after_id_ = 0;
  int64_t last_id_ = 0;
  bool exhausted_ = false;
  std::vector<crypto::GpgContext> extra_;  // outlives pool_ (declared first)
  std::unique_ptr<ComposePool> pool_;
  std::vector<Unrecorded> unrecorded_;  // sent, not yet marked sent
  size_t batch_ = 1;                    // unrecorded_ that make a batch
  std::chrono::steady_clock::time_point oldest_unrecorded_;
};

}  // namespace

std::chrono::seconds Backoff(int attempts) {
  int shift = std::clamp(attempts - 1, 0, 6);
  return std::min(std::chrono::seconds(60 << shift),
                  std::chrono::seconds(3600));
}

Result<SendReport> SendOutbox(Context& ctx, crypto::GpgContext& gpg,
                              mail::Transport& transport) {
  return Delivery(ctx, gpg, transport).Run();
}

Result<SendReport> DeliverOutbox(Context& ctx, crypto::GpgContext& gpg) {
  auto password = ReadSecret(ctx.config.outbox.password_file);
  CT_TRY(password);
  auto transport = mail::OpenTransport(ctx.config.outbox, *password,
                                       ctx.config.inbox.tls_ca_file);
  if (!transport) {
    if (transport.error().kind != ErrorKind::kIo)
      return std::unexpected(transport.error());
    // Server down: count the attempt on every due message (backoff, and
    // give-up after give_up_hours), then report the outage.
    SendReport report;
    CT_TRY(FailAllDue(ctx, transport.error(), report));
    report.outage = transport.error();
    return report;
  }
  auto report = SendOutbox(ctx, gpg, **transport);
  if (auto closed = (*transport)->Close(); !closed && report)
    Logger("outbox")->warn("closing the transport: {}", closed.error().message);
  return report;
}

}  // namespace ct::app

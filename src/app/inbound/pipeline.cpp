// The parallel inbound pipeline: GnuPG on N worker threads, the
// database on this one.
//
// Roles. A worker runs ExamineMessage — screening, key imports, decryption,
// verification: everything GnuPG does for a message — with its own
// crypto::GpgContext (GPGME allows one thread per context at a time;
// gpgme_check_version ran in GpgContext::Open before any thread starts).
// This thread, the committer, owns the SQLite connection: it counts each
// attempt (BeginAttempt, committed) before handing the message to a worker,
// and applies the results strictly in inbox order, each in its own
// transaction (ApplyMessage reads bindings, remembered signatures and
// deals: it must see the previous message's commit). At most
// kWindowPerWorker messages per worker are in flight, so memory stays flat
// however long the backlog.
//
// The keyring, and keys that arrive by mail: verify/shared_keyring.h.
//
// Failures. What a worker throws is that message's failure, charged by
// EndAttempt like any other. A message that an earlier attempt did not
// finish never comes here: ProcessInbox gives it a process of its own
// (app/inbound/isolation.cpp).
#include "app/inbound/pipeline.h"

#include <cctype>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include "app/base/faults.h"
#include "app/base/gpg_pool.h"
#include "app/base/guarded.h"
#include "app/base/logging.h"
#include "app/inbound/attempts.h"
#include "app/inbound/process.h"
#include "core/limits.h"
#include "util/read_file.h"
#include "verify/shared_keyring.h"

namespace ct::app {
namespace {

// Messages in flight per worker: one being examined, one waiting, so that
// no worker idles while the committer applies.
constexpr size_t kWindowPerWorker = 2;

// One message in flight.
struct Task {
  uint64_t seq = 0;
  store::InboxRecord row;  // raw bytes included, loaded by the committer
  std::optional<Result<Examined>> result;  // the worker's, under the mutex
};

// The worker threads and the queue they take messages from, in order.
class Pool {
 public:
  Pool(const config::Config& config,
       const std::vector<crypto::GpgContext*>& contexts)
      : config_(config) {
    try {
      for (crypto::GpgContext* gpg : contexts)
        threads_.emplace_back([this, gpg] { Work(*gpg); });
    } catch (const std::system_error& e) {  // work with those that started
      Logger("inbox")->warn("started {} of {} GnuPG workers: {}",
                            threads_.size(), contexts.size(), e.what());
    }
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Queued messages are dropped; those being examined finish first.
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    keyring_.order.Abandon();
    for (std::thread& thread : threads_) thread.join();
  }

  size_t size() const { return threads_.size(); }

  void Submit(std::shared_ptr<Task> task) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(task));
    }
    work_.notify_one();
  }

  // Returns once `task` has its result.
  void Wait(const Task& task) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return task.result.has_value(); });
  }

 private:
  void Work(crypto::GpgContext& gpg) {
    for (;;) {
      std::shared_ptr<Task> task;
      {
        std::unique_lock lock(mutex_);
        work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      Result<Examined> result = Examine(gpg, *task);
      {
        std::lock_guard lock(mutex_);
        task->result = std::move(result);
      }
      done_.notify_all();
    }
  }

  Result<Examined> Examine(crypto::GpgContext& gpg, const Task& task) {
    verify::ImportTicket ticket(keyring_.order, task.seq);
    verify::SharedKeyring access(keyring_, ticket, task.seq);
    return Guarded([&]() -> Result<Examined> {
      return ExamineMessage(config_, gpg, task.row, access);
    });
  }

  const config::Config& config_;
  verify::Keyring keyring_;
  std::mutex mutex_;
  std::condition_variable work_, done_;
  std::deque<std::shared_ptr<Task>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: they use everything above
};

// Applies the examined head of the flight, in its transaction.
Result<void> Apply(Context& ctx, const Task& task, ProcessReport& report) {
  const Result<void> done = Guarded([&]() -> Result<void> {
    CT_TRY(*task.result);
    return ApplyMessage(ctx, task.row, **task.result, report);
  });
  return EndAttempt(ctx, task.row.id, done, report);
}

}  // namespace

Result<void> ProcessInParallel(Context& ctx, crypto::GpgContext& gpg,
                               const std::vector<int64_t>& ids, int workers,
                               ProcessReport& report) {
  // One context per worker, all opened here before any thread starts, and
  // given back to the run (for the outbox) once the threads have ended:
  // `keep` is destroyed after `pool`.
  std::vector<crypto::GpgContext> more;
  struct Keep {
    Context& ctx;
    std::vector<crypto::GpgContext>& workers;
    ~Keep() { KeepGpg(ctx, workers); }
  } keep{ctx, more};
  for (int i = 1; i < workers; ++i) {
    auto opened = TakeGpg(ctx);
    CT_TRY(opened);
    more.push_back(std::move(*opened));
  }
  std::vector<crypto::GpgContext*> contexts = {&gpg};
  for (auto& context : more) contexts.push_back(&context);
  Pool pool(ctx.config, contexts);
  if (pool.size() == 0)
    return Fail(ErrorKind::kIo, "cannot start any GnuPG worker thread");

  const size_t window = kWindowPerWorker * pool.size();
  std::deque<std::shared_ptr<Task>> flight;  // in inbox order
  uint64_t seq = 0;
  size_t next = 0;
  for (;;) {
    while (next < ids.size() && flight.size() < window &&
           !ctx.StopRequested()) {
      auto begun = BeginAttempt(ctx, ids[next++], report);
      CT_TRY(begun);
      if (!*begun) continue;
      MaybeCrash("processing");
      auto task = std::make_shared<Task>();
      task->seq = seq++;
      task->row = std::move(**begun);
      pool.Submit(task);
      flight.push_back(std::move(task));
    }
    if (flight.empty()) return {};  // all done, or asked to stop
    const std::shared_ptr<Task> head = std::move(flight.front());
    flight.pop_front();
    pool.Wait(*head);
    CT_TRY(Apply(ctx, *head, report));
  }
}

}  // namespace ct::app

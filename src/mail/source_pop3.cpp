// POP3 and POP3S sources with vmime. POP3 has no flags: acknowledging is
// DELE, which the server applies at QUIT (Close). Message numbers are only
// valid for one session, so the UIDL -> number index is per connection.
// vmime connects, authenticates, lists and deletes; RETR is ours (see
// mail/pop3_multiline_reader.h for why).
#include "mail/source_pop3.h"

#include <cstdint>
#include <map>
#include <set>
#include <vmime/exception.hpp>
#include <vmime/net/fetchAttributes.hpp>
#include <vmime/net/folder.hpp>
#include <vmime/net/message.hpp>
#include <vmime/net/messageSet.hpp>
#include <vmime/net/pop3/POP3Connection.hpp>
#include <vmime/net/pop3/POP3Store.hpp>
#include <vmime/net/socket.hpp>
#include <vmime/net/store.hpp>

#include "mail/pop3_multiline_reader.h"
#include "mail/mailbox.h"
#include "mail/source.h"

namespace ct::mail {
namespace {

namespace vnet = vmime::net;

// RETR `number` on the store's own connection, read with our reader.
Fetched Retrieve(vnet::store& store, size_t number, size_t keep) {
  auto connection = dynamic_cast<vnet::pop3::POP3Store&>(store).getConnection();
  std::shared_ptr<vnet::socket> socket = connection->getSocket();
  socket->send("RETR " + std::to_string(number) + "\r\n");
  Pop3MultilineReader reader(keep);
  vmime::byte_t buffer[16384];
  while (!reader.done()) {
    // Polls the socket: the timeout handler aborts a silent server.
    const size_t n = socket->receiveRaw(buffer, sizeof buffer);
    if (n == 0) {
      if (socket->getStatus() & vnet::socket::STATUS_WANT_WRITE) {
        socket->waitForWrite();
      } else {
        socket->waitForRead();
      }
      continue;
    }
    reader.Feed(std::string_view(reinterpret_cast<const char*>(buffer), n));
  }
  if (!reader.ok()) {
    throw vmime::exceptions::command_error("RETR", reader.status());
  }
  Fetched fetched;
  fetched.raw = reader.data();
  fetched.size = reader.data_size();
  return fetched;
}

class Pop3Source : public Source {
 public:
  Pop3Source(NetSettings settings, std::shared_ptr<vnet::session> session,
             std::shared_ptr<vnet::store> store,
             std::shared_ptr<vnet::folder> folder)
      : settings_(std::move(settings)),
        session_(std::move(session)),
        store_(std::move(store)),
        folder_(std::move(folder)) {}

  // Closing here too commits the DELEs already sent: each was for a message
  // safely in our database.
  ~Pop3Source() override {
    if (store_ != nullptr) (void)Close();
  }

  Result<std::vector<std::string>> List() override {
    CT_TRY(EnsureIndex());
    std::vector<std::string> uids;
    for (const auto& [number, uid] : by_number_) {
      if (!deleted_.contains(uid)) uids.push_back(uid);
    }
    return uids;
  }

  Result<Fetched> Fetch(const std::string& uid, size_t max_size) override {
    Result<Entry> entry = Find(uid);
    CT_TRY(entry);
    return Guarded(settings_, "fetching message " + uid, [&] {
      const bool oversized = entry->size > max_size;
      // RETR has no partial form: an oversized message still crosses the
      // network, but only its first bytes are kept.
      Fetched fetched = Retrieve(*store_, entry->number,
                                 oversized ? kOversizedPrefix : SIZE_MAX);
      fetched.uid = uid;
      fetched.oversized = oversized;
      if (oversized) fetched.raw = HeaderOnly(fetched.raw);
      return fetched;
    });
  }

  Result<void> Acknowledge(const std::string& uid) override {
    Result<Entry> entry = Find(uid);
    CT_TRY(entry);
    return Guarded(settings_, "deleting message " + uid, [&] {
      folder_->deleteMessages(vnet::messageSet::byNumber(entry->number));
      deleted_.insert(uid);
    });
  }

  Result<void> Close() override {
    if (store_ == nullptr) return {};
    // Expunging: without it vmime sends RSET before QUIT, undoing our DELEs.
    return CloseMailbox(settings_, "quitting", /*expunge=*/true, folder_,
                        store_);
  }

 private:
  struct Entry {
    size_t number = 0;
    size_t size = 0;
  };

  // UIDL and LIST for every message, once: a POP3 session sees a fixed
  // mailbox (and vmime cannot re-fetch UIDs once DELEs are pending).
  Result<void> EnsureIndex() {
    if (store_ == nullptr) {
      return Fail(ErrorKind::kInternal,
                  settings_.url.Redacted() + " is closed");
    }
    if (indexed_) return {};
    return Guarded(settings_, "listing messages", [&] {
      by_uid_.clear();
      by_number_.clear();
      const size_t count = folder_->getMessageCount();
      if (count == 0) {
        indexed_ = true;
        return;
      }
      auto messages =
          folder_->getMessages(vnet::messageSet::byNumber(1, count));
      folder_->fetchMessages(
          messages, vnet::fetchAttributes(vnet::fetchAttributes::UID |
                                          vnet::fetchAttributes::SIZE));
      for (const auto& message : messages) {
        const std::string uid = message->getUID();
        by_uid_[uid] = Entry{message->getNumber(), message->getSize()};
        by_number_[message->getNumber()] = uid;
      }
      indexed_ = true;
    });
  }

  Result<Entry> Find(const std::string& uid) {
    CT_TRY(EnsureIndex());
    const auto it = by_uid_.find(uid);
    if (it == by_uid_.end() || deleted_.contains(uid)) {
      return Fail(ErrorKind::kNotFound,
                  settings_.url.Redacted() + ": no message " + uid);
    }
    return it->second;
  }

  NetSettings settings_;
  std::shared_ptr<vnet::session> session_;
  std::shared_ptr<vnet::store> store_;
  std::shared_ptr<vnet::folder> folder_;
  bool indexed_ = false;
  std::map<std::string, Entry> by_uid_;
  std::map<size_t, std::string> by_number_;  // oldest first
  std::set<std::string> deleted_;
};

}  // namespace

Result<std::unique_ptr<Source>> OpenPop3Source(const NetSettings& settings) {
  auto open = [&](std::shared_ptr<vnet::session> session,
                  std::shared_ptr<vnet::store> store)
      -> Result<std::unique_ptr<Source>> {
    auto folder = store->getDefaultFolder();
    folder->open(vnet::folder::MODE_READ_WRITE);
    return std::make_unique<Pop3Source>(settings, session, store, folder);
  };
  return OpenMailbox(settings, open);
}

}  // namespace ct::mail

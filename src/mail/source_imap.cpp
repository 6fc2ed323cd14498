// IMAP and IMAPS sources with vmime. Raw bytes come from BODY.PEEK[] (so
// fetching never sets \Seen); vmime 0.9.2 has no MOVE, so acknowledging is
// COPY + \Deleted + EXPUNGE.
#include "mail/source_imap.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <vmime/charset.hpp>
#include <vmime/net/fetchAttributes.hpp>
#include <vmime/net/folder.hpp>
#include <vmime/net/folderAttributes.hpp>
#include <vmime/net/imap/IMAPFolder.hpp>
#include <vmime/net/message.hpp>
#include <vmime/net/messageSet.hpp>
#include <vmime/net/store.hpp>
#include <vmime/utility/outputStreamStringAdapter.hpp>

#include "mail/mailbox.h"
#include "mail/source.h"

namespace ct::mail {
namespace {

namespace vnet = vmime::net;

// "A/B" -> the folder path {A, B}; vmime joins it with the server's own
// hierarchy separator.
vnet::folder::path FolderPath(const std::string& name) {
  vnet::folder::path path;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string::npos) slash = name.size();
    if (slash > start) {
      path.appendComponent(vmime::word(name.substr(start, slash - start),
                                       vmime::charsets::UTF_8));
    }
    start = slash + 1;
  }
  return path;
}

std::optional<uint32_t> ToNumber(std::string_view text) {
  uint32_t value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0) {
    return std::nullopt;
  }
  return value;
}

// vmime's uid is the server's number, or "validity:number" in some
// versions: take the last field either way.
std::string UidNumber(const vnet::message::uid& uid) {
  const std::string text = uid;
  return text.substr(text.rfind(':') + 1);
}

class ImapSource : public Source {
 public:
  ImapSource(NetSettings settings, std::string processed,
             std::shared_ptr<vnet::session> session,
             std::shared_ptr<vnet::store> store,
             std::shared_ptr<vnet::folder> folder)
      : settings_(std::move(settings)),
        processed_(std::move(processed)),
        session_(std::move(session)),
        store_(std::move(store)),
        folder_(std::move(folder)) {}

  ~ImapSource() override {
    if (store_ != nullptr) (void)Close();
  }

  Result<std::vector<std::string>> List() override {
    if (store_ == nullptr) return Closed();
    return Guarded(settings_, "listing messages", [&] { return ListNow(); });
  }

  Result<Fetched> Fetch(const std::string& uid, size_t max_size) override {
    Result<uint32_t> number = ParseUid(uid);
    CT_TRY(number);
    return Guarded(settings_, "fetching message " + uid,
                   [&] { return FetchNow(uid, *number, max_size); });
  }

  Result<void> Acknowledge(const std::string& uid) override {
    Result<uint32_t> number = ParseUid(uid);
    CT_TRY(number);
    return Guarded(settings_, "acknowledging message " + uid,
                   [&] { AcknowledgeNow(*number); });
  }

  Result<void> Close() override {
    if (store_ == nullptr) return {};
    return CloseMailbox(settings_, "logging out", /*expunge=*/false, folder_,
                        store_);
  }

 private:
  std::vector<std::string> ListNow() {
    // NOOP makes the server report messages that arrived since SELECT.
    std::dynamic_pointer_cast<vnet::imap::IMAPFolder>(folder_)->noop();
    // By UID ("UID FETCH 1:*"), never by sequence number: vmime's message
    // count goes stale after an EXPUNGE, and "FETCH 1:<stale>" is an error.
    auto messages = folder_->getAndFetchMessages(
        vnet::messageSet::byUID(1ul, "*"),
        vnet::fetchAttributes(vnet::fetchAttributes::FLAGS |
                              vnet::fetchAttributes::UID));
    std::vector<uint32_t> numbers;
    for (const auto& message : messages) {
      const int flags = message->getFlags();
      if (flags & vnet::message::FLAG_DELETED) continue;
      if (processed_.empty() && (flags & vnet::message::FLAG_SEEN)) continue;
      if (auto number = ToNumber(UidNumber(message->getUID()))) {
        numbers.push_back(*number);
      }
    }
    std::sort(numbers.begin(), numbers.end());  // UIDs grow: oldest first
    std::vector<std::string> uids;
    const std::string validity = std::to_string(Validity());
    for (uint32_t number : numbers) {
      uids.push_back(validity + ":" + std::to_string(number));
    }
    return uids;
  }

  Result<Fetched> FetchNow(const std::string& uid, uint32_t number,
                           size_t max_size) {
    auto messages = folder_->getMessages(
        vnet::messageSet::byUID(static_cast<unsigned long>(number)));
    if (messages.empty()) return Gone(uid);
    folder_->fetchMessages(messages,
                           vnet::fetchAttributes(vnet::fetchAttributes::SIZE |
                                                 vnet::fetchAttributes::UID));
    const auto& message = messages.front();
    Fetched fetched{uid, "", false, message->getSize()};
    fetched.oversized = fetched.size > max_size;
    vmime::utility::outputStreamStringAdapter out(fetched.raw);
    if (fetched.oversized) {
      // BODY.PEEK[]<0.N>: the server sends no more than we keep.
      message->extract(out, nullptr, 0, kOversizedPrefix, /*peek=*/true);
      fetched.raw = HeaderOnly(fetched.raw);
    } else {
      message->extract(out, nullptr, 0, static_cast<size_t>(-1),
                       /*peek=*/true);
      fetched.size = fetched.raw.size();
    }
    return fetched;
  }

  void AcknowledgeNow(uint32_t number) {
    const vnet::messageSet set =
        vnet::messageSet::byUID(static_cast<unsigned long>(number));
    if (processed_.empty()) {
      folder_->setMessageFlags(set, vnet::message::FLAG_SEEN,
                               vnet::message::FLAG_MODE_ADD);
      return;
    }
    EnsureProcessedFolder();
    folder_->copyMessages(FolderPath(processed_), set);
    folder_->setMessageFlags(set, vnet::message::FLAG_DELETED,
                             vnet::message::FLAG_MODE_ADD);
    folder_->expunge();
  }

  void EnsureProcessedFolder() {
    if (processed_ready_) return;
    auto folder = store_->getFolder(FolderPath(processed_));
    if (!folder->exists()) {
      vnet::folderAttributes attributes;
      attributes.setType(vnet::folderAttributes::TYPE_CONTAINS_MESSAGES);
      folder->create(attributes);
    }
    processed_ready_ = true;
  }

  uint32_t Validity() const {
    return std::dynamic_pointer_cast<vnet::imap::IMAPFolder>(folder_)
        ->getUIDValidity();
  }

  // "UIDVALIDITY:UID" -> UID, when UIDVALIDITY is still the folder's.
  Result<uint32_t> ParseUid(const std::string& uid) const {
    if (store_ == nullptr) return Closed();
    const size_t colon = uid.find(':');
    const auto validity = ToNumber(std::string_view(uid).substr(0, colon));
    const auto number = colon == std::string::npos
                            ? std::nullopt
                            : ToNumber(std::string_view(uid).substr(colon + 1));
    if (!validity || !number || *validity != Validity()) return Gone(uid);
    return *number;
  }

  std::unexpected<Error> Closed() const {
    return Fail(ErrorKind::kInternal, settings_.url.Redacted() + " is closed");
  }

  std::unexpected<Error> Gone(const std::string& uid) const {
    return Fail(ErrorKind::kNotFound,
                settings_.url.Redacted() + ": no message " + uid +
                    " (gone, or the folder's UIDVALIDITY changed)");
  }

  NetSettings settings_;
  std::string processed_;
  bool processed_ready_ = false;
  std::shared_ptr<vnet::session> session_;
  std::shared_ptr<vnet::store> store_;
  std::shared_ptr<vnet::folder> folder_;
};

}  // namespace

Result<std::unique_ptr<Source>> OpenImapSource(
    const NetSettings& settings, const std::string& processed_folder) {
  auto open = [&](std::shared_ptr<vnet::session> session,
                  std::shared_ptr<vnet::store> store)
      -> Result<std::unique_ptr<Source>> {
    auto folder = store->getFolder(FolderPath(settings.url.path));
    if (!folder->exists()) {
      return Fail(ErrorKind::kConfig, settings.url.Redacted() +
                                          ": no folder '" + settings.url.path +
                                          "' on the server");
    }
    folder->open(vnet::folder::MODE_READ_WRITE,
                 /*failIfModeIsNotAvailable=*/true);
    return std::make_unique<ImapSource>(settings, processed_folder, session,
                                        store, folder);
  };
  return OpenMailbox(settings, open);
}

}  // namespace ct::mail

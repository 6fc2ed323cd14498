#include "mail/starttls.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>
#include <vmime/net/socket.hpp>
#include <vmime/net/timeoutHandler.hpp>
#include <vmime/net/tracer.hpp>

#include "mail/start_tls_not_offered.h"
#include "util/text.h"

namespace ct::mail {
namespace {

namespace vnet = vmime::net;

// `line` without its CR LF (or bare LF).
std::string_view Chomp(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

// The `index`-th blank-separated word of `text` (0 = first), "" if none.
std::string_view Word(std::string_view text, size_t index) {
  for (size_t i = 0;; ++i) {
    const size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) return {};
    text.remove_prefix(start);
    const size_t end = std::min(text.find(' '), text.size());
    if (i == index) return text.substr(0, end);
    text.remove_prefix(end);
  }
}

bool HasWord(std::string_view words, std::string_view wanted) {
  for (size_t i = 0;; ++i) {
    const std::string_view word = Word(words, i);
    if (word.empty()) return false;
    if (util::AsciiUpper(word) == wanted) return true;
  }
}

// The next line of `text` from `pos` (through its LF), or "" when no
// complete line is left.
std::string_view NextLine(std::string_view text, size_t& pos) {
  const size_t eol = text.find('\n', pos);
  if (eol == std::string_view::npos) return {};
  const std::string_view line = text.substr(pos, eol + 1 - pos);
  pos = eol + 1;
  return line;
}

}  // namespace

size_t SmtpReplyLength(std::string_view bytes) {
  size_t pos = 0;
  for (std::string_view line; !(line = NextLine(bytes, pos)).empty();) {
    const std::string_view text = Chomp(line);
    // As vmime reads it: every line but the last has '-' after the code.
    if (text.size() < 4 || text[3] != '-') return pos;
  }
  return 0;
}

bool EhloOffersStartTls(std::string_view reply) {
  size_t pos = 0;
  const std::string_view first = Chomp(NextLine(reply, pos));
  if (!first.starts_with("250")) return false;  // no ESMTP: no extensions
  // The first line names the server; each further line is one extension.
  for (std::string_view line; !(line = NextLine(reply, pos)).empty();) {
    const std::string_view text = Chomp(line);
    if (text.size() > 4 && text.starts_with("250") &&
        util::AsciiUpper(Word(text.substr(4), 0)) == "STARTTLS") {
      return true;
    }
  }
  return false;
}

std::optional<bool> ImapLineOffersStartTls(std::string_view line) {
  const std::string upper = util::AsciiUpper(Chomp(line));
  if (upper.starts_with("* CAPABILITY ")) {
    return HasWord(std::string_view(upper).substr(13), "STARTTLS");
  }
  const size_t code = upper.find("[CAPABILITY ");
  if (code == std::string::npos || !upper.starts_with("* ")) {
    return std::nullopt;
  }
  const size_t start = code + 12;
  const size_t end = upper.find(']', start);
  return HasWord(std::string_view(upper).substr(
                     start, end == std::string::npos ? end : end - start),
                 "STARTTLS");
}

bool CapaLineIsStls(std::string_view line) {
  return util::AsciiUpper(Word(Chomp(line), 0)) == "STLS";
}

const char* StartTlsCommand(MailProtocol protocol) {
  return protocol == MailProtocol::kPop3 ? "STLS" : "STARTTLS";
}

StartTlsNotOffered::StartTlsNotOffered(MailProtocol protocol,
                                       const std::string& where)
    : vmime::exception(where + " does not offer " + StartTlsCommand(protocol)),
      protocol_(protocol) {}

vmime::exception* StartTlsNotOffered::clone() const {
  return new StartTlsNotOffered(*this);
}

const char* StartTlsNotOffered::name() const throw() {
  return "starttls_not_offered";
}

namespace {

// The socket vmime talks through (see starttls.h). Phases:
//   kAwaitEhlo  SMTP: until vmime sends EHLO.
//   kEhloReply  SMTP: reading the EHLO reply as it passes to vmime.
//   kDecided    capabilities known, TLS properties set; outgoing lines are
//               checked until a command other than EHLO/HELO/STARTTLS, or
//               an offered STARTTLS, goes out.
//   kPassthrough
class NegotiatingSocket : public vnet::socket {
 public:
  NegotiatingSocket(std::shared_ptr<vnet::socket> inner, vnet::service* service,
                    MailProtocol protocol, TlsMode mode, std::string where)
      : inner_(std::move(inner)),
        service_(service),
        protocol_(protocol),
        mode_(mode),
        where_(std::move(where)) {}

  void connect(const vmime::string& address, vmime::port_t port) override {
    inner_->connect(address, port);
    switch (protocol_) {
      case MailProtocol::kSmtp:
        phase_ = Phase::kAwaitEhlo;
        break;
      case MailProtocol::kImap:
        ProbeImap();
        break;
      case MailProtocol::kPop3:
        ProbePop3();
        break;
    }
  }

  void disconnect() override { inner_->disconnect(); }
  bool isConnected() const override { return inner_->isConnected(); }
  bool waitForRead(int msecs) override {
    return !replay_.empty() || inner_->waitForRead(msecs);
  }
  bool waitForWrite(int msecs) override { return inner_->waitForWrite(msecs); }

  void receive(vmime::string& buffer) override {
    vmime::byte_t bytes[16384];
    const size_t n = receiveRaw(bytes, sizeof bytes);
    buffer.assign(reinterpret_cast<const char*>(bytes), n);
  }

  size_t receiveRaw(vmime::byte_t* buffer, size_t count) override {
    if (!replay_.empty()) {
      const size_t n = std::min(count, replay_.size());
      std::memcpy(buffer, replay_.data(), n);
      replay_.erase(0, n);
      return n;
    }
    const size_t n = inner_->receiveRaw(buffer, count);
    if (phase_ == Phase::kEhloReply && n > 0) {
      ObserveEhloReply(
          std::string_view(reinterpret_cast<const char*>(buffer), n));
    }
    return n;
  }

  void send(const vmime::string& buffer) override { Send(buffer); }
  void send(const char* str) override { Send(str); }
  void sendRaw(const vmime::byte_t* buffer, size_t count) override {
    Send(std::string_view(reinterpret_cast<const char*>(buffer), count));
  }
  size_t sendRawNonBlocking(const vmime::byte_t* buffer,
                            size_t count) override {
    if (phase_ == Phase::kPassthrough) {
      return inner_->sendRawNonBlocking(buffer, count);
    }
    sendRaw(buffer, count);
    return count;
  }

  size_t getBlockSize() const override { return inner_->getBlockSize(); }
  unsigned int getStatus() const override {
    return replay_.empty() ? inner_->getStatus() : 0;
  }
  const vmime::string getPeerName() const override {
    return inner_->getPeerName();
  }
  const vmime::string getPeerAddress() const override {
    return inner_->getPeerAddress();
  }
  std::shared_ptr<vnet::timeoutHandler> getTimeoutHandler() override {
    return inner_->getTimeoutHandler();
  }
  void setTracer(std::shared_ptr<vnet::tracer> tracer) override {
    inner_->setTracer(tracer);
  }
  std::shared_ptr<vnet::tracer> getTracer() override {
    return inner_->getTracer();
  }

 private:
  enum class Phase { kAwaitEhlo, kEhloReply, kDecided, kPassthrough };

  void Decide(bool offered) {
    offered_ = offered;
    // Required mode and not offered: vmime will try STARTTLS, which Send
    // refuses with StartTlsNotOffered (the clear error, nothing sent).
    service_->setProperty("connection.tls",
                          offered || mode_ == TlsMode::kStartTlsRequired);
    service_->setProperty("connection.tls.required", true);
    phase_ = Phase::kDecided;
  }

  // Outgoing bytes: whole lines while commands are checked, else as they
  // come. vmime sends a command in pieces (IMAP: tag, text, CRLF) and the
  // CRLF last, so a line is complete before vmime waits for the reply.
  void Send(std::string_view bytes) {
    if (phase_ == Phase::kPassthrough) {
      inner_->sendRaw(reinterpret_cast<const vmime::byte_t*>(bytes.data()),
                      bytes.size());
      return;
    }
    pending_out_.append(bytes);
    for (size_t eol; phase_ != Phase::kPassthrough &&
                     (eol = pending_out_.find('\n')) != std::string::npos;) {
      const std::string line = pending_out_.substr(0, eol + 1);
      pending_out_.erase(0, eol + 1);
      OnCommand(line);  // may throw: then the line is never sent
      inner_->send(line);
    }
    if (phase_ == Phase::kPassthrough && !pending_out_.empty()) {
      inner_->send(pending_out_);
      pending_out_.clear();
    }
  }

  void OnCommand(std::string_view line) {
    const std::string verb = util::AsciiUpper(
        Word(Chomp(line), protocol_ == MailProtocol::kImap ? 1 : 0));
    if (phase_ == Phase::kAwaitEhlo) {
      if (verb == "EHLO") phase_ = Phase::kEhloReply;
      return;
    }
    if (phase_ != Phase::kDecided) return;
    if (verb == StartTlsCommand(protocol_)) {
      if (!offered_) throw StartTlsNotOffered(protocol_, where_);
      phase_ = Phase::kPassthrough;  // TLS from the next byte
    } else if (verb != "HELO" && verb != "EHLO") {
      phase_ = Phase::kPassthrough;  // past the point of STARTTLS
    }
  }

  void ObserveEhloReply(std::string_view bytes) {
    ehlo_reply_.append(bytes);
    if (const size_t length = SmtpReplyLength(ehlo_reply_)) {
      Decide(
          EhloOffersStartTls(std::string_view(ehlo_reply_).substr(0, length)));
      ehlo_reply_.clear();
    } else if (ehlo_reply_.size() > kMaxCapabilityBytes) {
      throw vmime::exceptions::invalid_response(
          "EHLO", "reply longer than " + std::to_string(kMaxCapabilityBytes) +
                      " bytes");
    }
  }

  // One line from the server during a probe, line end included.
  std::string ReadLine(const char* doing) {
    for (;;) {
      if (const size_t eol = probe_in_.find('\n'); eol != std::string::npos) {
        std::string line = probe_in_.substr(0, eol + 1);
        probe_in_.erase(0, eol + 1);
        return line;
      }
      if (probe_bytes_ > kMaxCapabilityBytes) {
        throw vmime::exceptions::invalid_response(
            doing, "more than " + std::to_string(kMaxCapabilityBytes) +
                       " bytes before the server's capabilities were known");
      }
      vmime::byte_t buffer[4096];
      const size_t n = inner_->receiveRaw(buffer, sizeof buffer);
      probe_in_.append(reinterpret_cast<const char*>(buffer), n);
      probe_bytes_ += n;
    }
  }

  void ProbeImap() {
    const std::string greeting = ReadLine("greeting");
    std::optional<bool> offered = ImapLineOffersStartTls(greeting);
    if (!offered && util::AsciiUpper(greeting).starts_with("* OK")) {
      inner_->send("CT1 CAPABILITY\r\n");
      for (std::string line; !util::AsciiUpper(line = ReadLine("CAPABILITY"))
                                  .starts_with("CT1 ");) {
        if (auto listed = ImapLineOffersStartTls(line)) offered = listed;
      }
    }
    replay_ = greeting + probe_in_;
    probe_in_.clear();
    Decide(offered.value_or(false));
  }

  void ProbePop3() {
    const std::string greeting = ReadLine("greeting");
    bool offered = false;
    if (greeting.starts_with("+OK")) {
      inner_->send("CAPA\r\n");
      if (ReadLine("CAPA").starts_with("+OK")) {
        for (std::string line; Chomp(line = ReadLine("CAPA")) != ".";) {
          offered = offered || CapaLineIsStls(line);
        }
      }
    }
    replay_ = greeting + probe_in_;
    probe_in_.clear();
    Decide(offered);
  }

  std::shared_ptr<vnet::socket> inner_;
  vnet::service* service_;
  MailProtocol protocol_;
  TlsMode mode_;
  std::string where_;
  Phase phase_ = Phase::kPassthrough;
  bool offered_ = false;
  std::string replay_;    // read by a probe, not yet by vmime
  std::string probe_in_;  // read by a probe, not yet parsed
  size_t probe_bytes_ = 0;
  std::string pending_out_;  // from vmime, not yet a whole line
  std::string ehlo_reply_;
};

class NegotiatingSocketFactory : public vnet::socketFactory {
 public:
  NegotiatingSocketFactory(std::shared_ptr<vnet::socketFactory> inner,
                           vnet::service* service, MailProtocol protocol,
                           TlsMode mode, std::string where)
      : inner_(std::move(inner)),
        service_(service),
        protocol_(protocol),
        mode_(mode),
        where_(std::move(where)) {}

  std::shared_ptr<vnet::socket> create() override { return create(nullptr); }
  std::shared_ptr<vnet::socket> create(
      std::shared_ptr<vnet::timeoutHandler> handler) override {
    return std::make_shared<NegotiatingSocket>(
        inner_->create(handler), service_, protocol_, mode_, where_);
  }

 private:
  std::shared_ptr<vnet::socketFactory> inner_;
  vnet::service* service_;
  MailProtocol protocol_;
  TlsMode mode_;
  std::string where_;
};

MailProtocol ProtocolOf(const std::string& scheme) {
  if (scheme == "imap") return MailProtocol::kImap;
  if (scheme == "pop3") return MailProtocol::kPop3;
  return MailProtocol::kSmtp;
}

}  // namespace

void InstallStartTlsNegotiation(vmime::net::service& service,
                                const MailUrl& url, TlsMode mode) {
  const std::string host =
      url.host.find(':') == std::string::npos ? url.host : "[" + url.host + "]";
  service.setProperty("connection.tls", true);
  service.setProperty("connection.tls.required", true);
  service.setSocketFactory(std::make_shared<NegotiatingSocketFactory>(
      service.getSocketFactory(), &service, ProtocolOf(url.scheme), mode,
      host + ":" + std::to_string(url.port)));
}

}  // namespace ct::mail

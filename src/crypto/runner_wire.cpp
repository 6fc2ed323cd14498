#include "crypto/runner_wire.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace ct::crypto::wire {
namespace {

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) U8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Str(const std::string& s) {
    U64(s.size());
    out_ += s;
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads fields in order; any read past the end makes ok() false for good.
class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  uint8_t U8() {
    if (!Need(1)) return 0;
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint32_t U32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t{U8()} << (8 * i);
    return v;
  }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{U8()} << (8 * i);
    return v;
  }
  std::string Str() {
    const uint64_t size = U64();
    if (!Need(size)) return {};
    std::string s = in_.substr(pos_, size);
    pos_ += size;
    return s;
  }
  // A count of items that each take at least `min_bytes`: refused when the
  // frame cannot hold them, before anything is reserved for them.
  uint64_t Count(size_t min_bytes) {
    const uint64_t n = U64();
    if (ok_ && n > (in_.size() - pos_) / min_bytes) ok_ = false;
    return ok_ ? n : 0;
  }
  // Everything read, nothing left over.
  bool Done() const { return ok_ && pos_ == in_.size(); }

 private:
  bool Need(uint64_t n) {
    if (ok_ && n > in_.size() - pos_) ok_ = false;
    return ok_;
  }
  const std::string& in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

bool ValidOp(uint8_t op) {
  return op >= static_cast<uint8_t>(RawOp::kVerifyClearsigned) &&
         op <= static_cast<uint8_t>(RawOp::kPing);
}

}  // namespace

std::string EncodeRequest(const RawRequest& request) {
  Writer w;
  w.U8(static_cast<uint8_t>(request.op));
  w.Str(request.data);
  w.Str(request.signature);
  w.U64(request.max_output);
  w.Str(request.signer);
  w.U64(request.recipients.size());
  for (const auto& fpr : request.recipients) w.Str(fpr);
  return w.Take();
}

std::optional<RawRequest> DecodeRequest(const std::string& frame) {
  Reader r(frame);
  RawRequest request;
  const uint8_t op = r.U8();
  if (!ValidOp(op)) return std::nullopt;
  request.op = static_cast<RawOp>(op);
  request.data = r.Str();
  request.signature = r.Str();
  request.max_output = r.U64();
  request.signer = r.Str();
  const uint64_t n = r.Count(8);
  for (uint64_t i = 0; i < n; ++i) request.recipients.push_back(r.Str());
  if (!r.Done()) return std::nullopt;
  return request;
}

std::string EncodeOutcome(const RawOutcome& outcome) {
  Writer w;
  w.U32(outcome.error);
  w.Str(outcome.setup_error);
  w.U8(outcome.overflowed);
  w.Str(outcome.output);
  w.U64(outcome.signatures.size());
  for (const auto& sig : outcome.signatures) {
    w.Str(sig.fingerprint);
    w.U32(sig.status);
    w.U32(sig.summary);
    w.U64(static_cast<uint64_t>(sig.timestamp));
  }
  w.U8(outcome.no_integrity);
  w.U8(outcome.signed_ok);
  w.Str(outcome.hash_algo);
  return w.Take();
}

std::optional<RawOutcome> DecodeOutcome(const std::string& frame) {
  Reader r(frame);
  RawOutcome outcome;
  outcome.error = r.U32();
  outcome.setup_error = r.Str();
  outcome.overflowed = r.U8() != 0;
  outcome.output = r.Str();
  const uint64_t n = r.Count(24);
  for (uint64_t i = 0; i < n; ++i) {
    RawSignature sig;
    sig.fingerprint = r.Str();
    sig.status = r.U32();
    sig.summary = r.U32();
    sig.timestamp = static_cast<int64_t>(r.U64());
    outcome.signatures.push_back(std::move(sig));
  }
  outcome.no_integrity = r.U8() != 0;
  outcome.signed_ok = r.U8() != 0;
  outcome.hash_algo = r.Str();
  if (!r.Done()) return std::nullopt;
  return outcome;
}

bool WriteFrame(int fd, const std::string& payload) {
  if (payload.size() > kMaxFrameBytes) return false;
  const auto size = static_cast<uint32_t>(payload.size());
  const char header[4] = {static_cast<char>(size), static_cast<char>(size >> 8),
                          static_cast<char>(size >> 16),
                          static_cast<char>(size >> 24)};
  for (const std::string_view part :
       {std::string_view(header, 4), std::string_view(payload)}) {
    for (size_t done = 0; done < part.size();) {
      const ssize_t n =
          ::send(fd, part.data() + done, part.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
  }
  return true;
}

namespace {

// Reads exactly `size` bytes: 0 when whole, 1 at end of stream before any
// byte, -1 otherwise.
int ReadExactly(int fd, char* out, size_t size) {
  for (size_t done = 0; done < size;) {
    const ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 && done == 0) return 1;
    if (n <= 0) return -1;
    done += static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace

FrameStatus ReadFrame(int fd, size_t max_bytes, std::string& payload) {
  unsigned char header[4];
  const int head = ReadExactly(fd, reinterpret_cast<char*>(header), 4);
  if (head == 1) return FrameStatus::kEnd;
  if (head < 0) return FrameStatus::kBroken;
  const size_t size = size_t{header[0]} | size_t{header[1]} << 8 |
                      size_t{header[2]} << 16 | size_t{header[3]} << 24;
  if (size > max_bytes || size > kMaxFrameBytes) return FrameStatus::kBroken;
  payload.resize(size);
  if (size && ReadExactly(fd, payload.data(), size) != 0)
    return FrameStatus::kBroken;
  return FrameStatus::kOk;
}

}  // namespace ct::crypto::wire

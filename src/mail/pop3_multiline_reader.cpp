// Hand-written on purpose, not vmime's POP3 client reading RETR: vmime 0.9.2
// drops the message's last CRLF with the terminator and does not undo the
// dot-stuffing of "..." lines, and the stored message must be byte-exact
// for its signature to verify. See pop3_multiline_reader.h.
#include "mail/pop3_multiline_reader.h"

namespace ct::mail {
namespace {

constexpr size_t kMaxStatusLine = 1024;  // RFC 1939 says 512 with CRLF

}  // namespace

void Pop3MultilineReader::Emit(char c) {
  ++data_size_;
  if (data_.size() < keep_) data_ += c;
}

void Pop3MultilineReader::StatusByte(char c) {
  if (c == '\n') {
    if (status_.ends_with('\r')) status_.pop_back();
    state_ = ok() ? State::kLineStart : State::kDone;
  } else if (status_.size() < kMaxStatusLine) {
    status_ += c;
  }
}

bool Pop3MultilineReader::Feed(std::string_view bytes) {
  for (char c : bytes) {
    switch (state_) {
      case State::kDone:
        return true;
      case State::kStatus:
        StatusByte(c);
        break;
      case State::kLineStart:
        if (c == '.') {
          state_ = State::kDot;  // stuffing or the terminator: wait and see
        } else {
          Emit(c);
          state_ = c == '\n' ? State::kLineStart : State::kInLine;
        }
        break;
      case State::kDot:
        if (c == '\r') {
          state_ = State::kDotCr;
        } else if (c == '\n') {
          state_ = State::kDone;  // ".\n": a lenient terminator
        } else {
          Emit(c);  // the leading dot was stuffing: dropped
          state_ = State::kInLine;
        }
        break;
      case State::kDotCr:
        if (c == '\n') {
          state_ = State::kDone;
        } else {
          Emit('\r');
          Emit(c);
          state_ = State::kInLine;
        }
        break;
      case State::kInLine:
        Emit(c);
        if (c == '\n') state_ = State::kLineStart;
        break;
    }
  }
  return done();
}

}  // namespace ct::mail

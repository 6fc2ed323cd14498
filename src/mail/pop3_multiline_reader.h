// Reads one POP3 multi-line response (RFC 1939 section 3) as it arrives:
// the status line, then the data lines with their dot-stuffing undone, up
// to the terminating ".". We read RETR ourselves because vmime 0.9.2's
// reader is not byte-exact: it loses the message's last CRLF with the
// terminator and leaves "...x" (a stuffed "..x") as it is.
#ifndef CYBERTROC_MAIL_POP3_MULTILINE_READER_H_
#define CYBERTROC_MAIL_POP3_MULTILINE_READER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ct::mail {

class Pop3MultilineReader {
 public:
  // Keeps at most `keep` bytes of the data (the rest is counted, dropped).
  explicit Pop3MultilineReader(size_t keep) : keep_(keep) {}

  // Consumes the next bytes from the server. Returns true once the response
  // is complete: a status line other than "+OK", or the "." line after the
  // data. Bytes after that point are ignored (POP3 servers send none).
  bool Feed(std::string_view bytes);

  bool done() const { return state_ == State::kDone; }
  bool ok() const { return status_.starts_with("+OK"); }
  const std::string& status() const { return status_; }  // without CRLF
  // The data, byte for byte as the server holds it: CRLF line ends kept,
  // dot-stuffing undone, nothing added or removed at the end.
  const std::string& data() const { return data_; }
  size_t data_size() const { return data_size_; }  // including dropped bytes

 private:
  enum class State { kStatus, kLineStart, kDot, kDotCr, kInLine, kDone };

  void Emit(char c);
  void StatusByte(char c);

  size_t keep_;
  State state_ = State::kStatus;
  std::string status_;
  std::string data_;
  size_t data_size_ = 0;
};

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_POP3_MULTILINE_READER_H_

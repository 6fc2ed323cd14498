// A TCP relay on 127.0.0.1 that records what a mail client says to a real
// server, to check on the wire whether it sent STARTTLS and whether anything
// but TLS followed. One thread per connection (vmime's IMAP opens a second
// connection for the selected folder). GoogleTest-free.
#ifndef CYBERTROC_TESTS_SUPPORT_RECORDING_PROXY_H_
#define CYBERTROC_TESTS_SUPPORT_RECORDING_PROXY_H_

#include <netinet/in.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cttest {

class RecordingProxy {
 public:
  // Relays to 127.0.0.1:`target_port`.
  explicit RecordingProxy(int target_port);
  RecordingProxy(const RecordingProxy&) = delete;
  RecordingProxy& operator=(const RecordingProxy&) = delete;
  ~RecordingProxy();

  int port() const { return port_; }

  // What the client sent, one string per connection, oldest first.
  std::vector<std::string> Sessions();

 private:
  static sockaddr_in Loopback(int port);
  void Serve();
  // Until either side closes or the proxy is destroyed.
  void Relay(int client, size_t session);

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::thread thread_;
  std::vector<std::thread> relays_;  // only Serve's thread touches it
  std::mutex mutex_;
  std::vector<std::string> sessions_;
};

// The command lines a client sent in plaintext: every CRLF line up to the
// first TLS record (a line starting with the handshake byte 0x16).
std::vector<std::string> PlaintextLines(const std::string& sent);

// True when a TLS handshake record (0x16 0x03) follows the plaintext lines.
bool TlsFollows(const std::string& sent);

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_RECORDING_PROXY_H_

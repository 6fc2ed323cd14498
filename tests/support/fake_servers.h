// Fake servers for the mail clients' network tests, which need no real
// mail server and no harness (mail_network_tls_test.cpp,
// mail_network_starttls_test.cpp): a port that never answers (DeadPort), and
// a scripted line-protocol server (ScriptedServer) to see what a client
// sends when the server answers the way a test needs (offers STARTTLS and
// then refuses it, speaks no ESMTP, ...). ScriptedServer listens on all
// addresses: it is reached on loopback and, at NonLoopbackAddress(), as a
// remote host (the STARTTLS policy differs).
#ifndef CYBERTROC_TESTS_SUPPORT_FAKE_SERVERS_H_
#define CYBERTROC_TESTS_SUPPORT_FAKE_SERVERS_H_

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cttest {

// The first IPv4 address of an interface that is up and not loopback ("" if
// none).
std::string NonLoopbackAddress();

// A port that accepts connections (the kernel completes them) but whose
// owner never reads or writes: a hung server.
class DeadPort {
 public:
  DeadPort();
  ~DeadPort();
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Serves one connection on all addresses: sends `greeting`, then answers
// each line the client sends with reply(line) ("" closes the connection).
// Records the lines.
class ScriptedServer {
 public:
  using Reply = std::function<std::string(const std::string&)>;

  ScriptedServer(std::string greeting, Reply reply);
  ~ScriptedServer();
  int port() const { return port_; }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  void Serve(const std::string& greeting, const Reply& reply);

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_FAKE_SERVERS_H_

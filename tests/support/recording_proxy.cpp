#include "recording_proxy.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cttest {

RecordingProxy::RecordingProxy(int target_port) : target_port_(target_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len);
  ::listen(listen_fd_, 8);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (::pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
  thread_ = std::thread([this] { Serve(); });
}

RecordingProxy::~RecordingProxy() {
  (void)!::write(wake_[1], "x", 1);  // never read: wakes every poll
  thread_.join();
  for (std::thread& relay : relays_) relay.join();
  for (int fd : {listen_fd_, wake_[0], wake_[1]}) ::close(fd);
}

std::vector<std::string> RecordingProxy::Sessions() {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_;
}

sockaddr_in RecordingProxy::Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

void RecordingProxy::Serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 || fds[1].revents != 0) return;
    const int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    size_t session;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      session = sessions_.size();
      sessions_.emplace_back();
    }
    relays_.emplace_back([this, client, session] {
      Relay(client, session);
      ::close(client);
    });
  }
}

void RecordingProxy::Relay(int client, size_t session) {
  const int server = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(target_port_);
  if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr)) {
    ::close(server);
    return;
  }
  for (char buffer[16384];;) {
    pollfd fds[3] = {
        {client, POLLIN, 0}, {server, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0 || fds[2].revents != 0) break;
    const bool from_client = fds[0].revents != 0;
    const ssize_t n =
        ::recv(from_client ? client : server, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    if (from_client) {
      std::lock_guard<std::mutex> lock(mutex_);
      sessions_[session].append(buffer, static_cast<size_t>(n));
    }
    if (::send(from_client ? server : client, buffer, static_cast<size_t>(n),
               MSG_NOSIGNAL) != n) {
      break;
    }
  }
  ::close(server);
}

std::vector<std::string> PlaintextLines(const std::string& sent) {
  std::vector<std::string> lines;
  for (size_t at = 0; at < sent.size() && sent[at] != '\x16';) {
    size_t end = sent.find("\r\n", at);
    if (end == std::string::npos) end = sent.size();
    lines.push_back(sent.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

bool TlsFollows(const std::string& sent) {
  size_t at = 0;
  for (const std::string& line : PlaintextLines(sent)) at += line.size() + 2;
  return at + 1 < sent.size() && sent[at] == '\x16' && sent[at + 1] == '\x03';
}

}  // namespace cttest

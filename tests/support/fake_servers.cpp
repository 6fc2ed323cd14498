#include "fake_servers.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace cttest {
namespace {

// A TCP socket listening on `address` (host order: INADDR_LOOPBACK,
// INADDR_ANY) at a port the kernel picks, which goes to *port.
int ListenOnFreePort(uint32_t address, int backlog, int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(address);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::listen(fd, backlog);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

std::string NonLoopbackAddress() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* it = list; it != nullptr && found.empty(); it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET ||
        (it->ifa_flags & IFF_LOOPBACK) || !(it->ifa_flags & IFF_UP)) {
      continue;
    }
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<sockaddr_in*>(it->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) found = text;
  }
  ::freeifaddrs(list);
  return found;
}

DeadPort::DeadPort() { fd_ = ListenOnFreePort(INADDR_LOOPBACK, 8, &port_); }

DeadPort::~DeadPort() { ::close(fd_); }

ScriptedServer::ScriptedServer(std::string greeting, Reply reply) {
  listen_fd_ = ListenOnFreePort(INADDR_ANY, 4, &port_);
  thread_ = std::thread([this, greeting, reply] { Serve(greeting, reply); });
}

ScriptedServer::~ScriptedServer() {
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  thread_.join();
}

void ScriptedServer::Serve(const std::string& greeting, const Reply& reply) {
  const int fd = ::accept(listen_fd_, nullptr, nullptr);
  if (fd < 0) return;
  ::send(fd, greeting.data(), greeting.size(), MSG_NOSIGNAL);
  std::string buffer;
  char chunk[1024];
  for (ssize_t n; (n = ::recv(fd, chunk, sizeof chunk, 0)) > 0;) {
    buffer.append(chunk, static_cast<size_t>(n));
    for (size_t eol; (eol = buffer.find("\r\n")) != std::string::npos;) {
      const std::string line = buffer.substr(0, eol);
      buffer.erase(0, eol + 2);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        lines_.push_back(line);
      }
      const std::string answer = reply(line);
      if (answer.empty()) {
        ::close(fd);
        return;
      }
      ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    }
  }
  ::close(fd);
}

}  // namespace cttest

// HostileReceiver: a loopback TCP server that misbehaves as a collector can.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback_socket.hpp"

namespace tracewire_test {

/// Accepts connections on a loopback port and then, depending on `Behaviour`: never answers
/// (a hung collector), answers `200 OK` with a response body that never ends, or resets
/// the connection once the request has arrived. Runs on its own thread until destroyed.
class HostileReceiver {
 public:
  enum class Behaviour { hang, endless_body, reset };

  explicit HostileReceiver(Behaviour behaviour) : behaviour_(behaviour) {
    listener_ = bind_loopback(port_, true);
    thread_ = std::thread([this] { run(); });
  }
  ~HostileReceiver() {
    stop_ = true;
    thread_.join();
    for (int fd : connections_) ::close(fd);
    ::close(listener_);
  }
  HostileReceiver(const HostileReceiver&) = delete;
  HostileReceiver& operator=(const HostileReceiver&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return accepted_.load(); }

 private:
  void run() {
    const std::string endless_head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk = "400\r\n" + std::string(1024, 'x') + "\r\n";
    while (!stop_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (int fd : connections_) fds.push_back({fd, static_cast<short>(POLLIN | POLLOUT), 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd >= 0) {
          connections_.push_back(fd);
          ++accepted_;
          if (behaviour_ == Behaviour::endless_body)
            (void)::send(fd, endless_head.data(), endless_head.size(), MSG_NOSIGNAL);
        }
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        const int fd = fds[i].fd;
        if (fds[i].revents & POLLIN) {
          char buffer[4096];
          const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
          if (n > 0 && behaviour_ == Behaviour::reset) {
            linger hard{1, 0};  // close with a RST
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
            ::close(fd);
            connections_.erase(connections_.begin() + static_cast<long>(i - 1));
            break;
          }
        }
        if (behaviour_ == Behaviour::endless_body && (fds[i].revents & POLLOUT)) {
          (void)::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        }
      }
    }
  }

  Behaviour behaviour_;
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> connections_;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tracewire_test

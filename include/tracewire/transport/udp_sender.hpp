// UdpSender: sends datagrams to one host and port (the Jaeger agent's transport).
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "tracewire/core/expected.hpp"

namespace tracewire {
inline namespace v0 {

/// A connected UDP socket to `host:port` (the name's first IPv4 address, else its first
/// IPv6 one). The name is resolved on the first send, not in the constructor, so creating
/// an exporter never blocks on DNS; after a failed resolution the next send tries again.
/// Connecting the socket lets the kernel report an ICMP "port unreachable" from the
/// previous datagram; that report fails the send that receives it, so the datagram is
/// sent once more. Thread-safe; never throws.
class UdpSender {
 public:
  UdpSender(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}
  UdpSender(const UdpSender&) = delete;
  UdpSender& operator=(const UdpSender&) = delete;
  ~UdpSender() { close(); }

  /// Sends one datagram; returns its size, or why it was not sent.
  Expected<std::size_t> send(std::string_view datagram) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return Error{ErrorCode::shut_down, "the UDP sender is closed"};
    if (socket_ < 0) {
      if (auto opened = open(); !opened) return opened.error();
    }
    for (int attempt = 0;; ++attempt) {
      const ssize_t sent = ::send(socket_, datagram.data(), datagram.size(), 0);
      if (sent >= 0) return static_cast<std::size_t>(sent);
      const int error = errno;
      if (error == EINTR || (error == ECONNREFUSED && attempt == 0)) continue;
      return Error{ErrorCode::network_failure, fmt::format("sending {} bytes to udp://{}:{} failed: {}",
                                                           datagram.size(), host_, port_, std::strerror(error))};
    }
  }

  /// Closes the socket; later sends fail. Safe to call twice.
  void close() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
  }

  const std::string& host() const noexcept { return host_; }
  std::uint16_t port() const noexcept { return port_; }

 private:
  Expected<bool> open() noexcept {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* addresses = nullptr;
    const std::string port = std::to_string(port_);
    const int status = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &addresses);
    if (status != 0) {
      return Error{ErrorCode::network_failure,
                   fmt::format("cannot resolve udp://{}:{}: {}", host_, port_, ::gai_strerror(status))};
    }
    // IPv4 addresses first: a UDP connect succeeds whether or not anything listens, so the
    // first address is the one used, and agents are mostly published on IPv4 only (a
    // `localhost` that resolves to ::1 first would lose every datagram).
    int last_error = 0;
    for (const bool ipv4 : {true, false}) {
      for (addrinfo* address = addresses; address != nullptr && socket_ < 0; address = address->ai_next) {
        if ((address->ai_family == AF_INET) != ipv4) continue;
        const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
        if (fd < 0) {
          last_error = errno;
          continue;
        }
        if (::connect(fd, address->ai_addr, address->ai_addrlen) == 0) {
          socket_ = fd;
          break;
        }
        last_error = errno;
        ::close(fd);
      }
    }
    ::freeaddrinfo(addresses);
    if (socket_ < 0) {
      return Error{ErrorCode::network_failure,
                   fmt::format("cannot open a UDP socket to {}:{}: {}", host_, port_, std::strerror(last_error))};
    }
    return true;
  }

  std::mutex mutex_;
  std::string host_;
  std::uint16_t port_;
  int socket_ = -1;
  bool closed_ = false;
};

}  // namespace v0
}  // namespace tracewire

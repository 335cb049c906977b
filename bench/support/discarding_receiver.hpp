// DiscardingReceiver: a minimal OTLP/HTTP receiver on loopback, for the export benchmarks.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "tracewire/export/otlp/detail/proto_reader.hpp"

namespace tracewire_bench {

// An OTLP/HTTP receiver that does no more than a receiver must: reads each request on a
// kept-alive connection, counts the spans in its ExportTraceServiceRequest (so the
// benchmark can check that every exported span arrived), and answers 200 with an empty
// response. One connection at a time, which is what one exporter opens.
class DiscardingReceiver {
 public:
  DiscardingReceiver() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(listener_, 4);
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  DiscardingReceiver(const DiscardingReceiver&) = delete;
  DiscardingReceiver& operator=(const DiscardingReceiver&) = delete;
  ~DiscardingReceiver() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces"; }
  std::uint64_t spans() const { return spans_.load(); }
  std::uint64_t requests() const { return requests_.load(); }

 private:
  // Waits until `fd` is readable or the receiver stops.
  bool readable(int fd) const {
    pollfd entry{fd, POLLIN, 0};
    while (!stop_) {
      if (::poll(&entry, 1, 50) > 0) return true;
    }
    return false;
  }

  void serve() {
    while (readable(listener_)) {
      const int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      std::string buffer;
      while (handle_request(connection, buffer)) {}
      ::close(connection);
    }
  }

  // Reads one request (headers, then Content-Length bytes) and answers it; false when
  // the connection ends.
  bool handle_request(int connection, std::string& buffer) {
    std::size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!receive(connection, buffer)) return false;
    }
    std::size_t length = 0;
    for (std::size_t at = 0; at < header_end;) {
      const std::size_t line_end = buffer.find("\r\n", at);
      std::string line = buffer.substr(at, line_end - at);
      for (char& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (line.compare(0, 15, "content-length:") == 0) length = std::stoul(line.substr(15));
      at = line_end + 2;
    }
    const std::size_t body_start = header_end + 4;
    while (buffer.size() < body_start + length) {
      if (!receive(connection, buffer)) return false;
    }
    spans_ += count_spans(std::string_view(buffer).substr(body_start, length));
    ++requests_;
    buffer.erase(0, body_start + length);
    static constexpr std::string_view reply =
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n";
    return ::send(connection, reply.data(), reply.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(reply.size());
  }

  bool receive(int connection, std::string& buffer) {
    if (!readable(connection)) return false;
    char chunk[65536];
    const ssize_t got = ::recv(connection, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  // ExportTraceServiceRequest {1 resource_spans {2 scope_spans {2 spans}}}.
  static std::uint64_t count_spans(std::string_view request) {
    using tracewire::detail::ProtoReader;
    std::uint64_t spans = 0;
    for (ProtoReader resource_spans(request); resource_spans.next();) {
      if (resource_spans.field() != 1) continue;
      for (ProtoReader scope_spans(resource_spans.bytes()); scope_spans.next();) {
        if (scope_spans.field() != 2) continue;
        for (ProtoReader span(scope_spans.bytes()); span.next();) spans += span.field() == 2;
      }
    }
    return spans;
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> spans_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::thread thread_;
};

}  // namespace tracewire_bench

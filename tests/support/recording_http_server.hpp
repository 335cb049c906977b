// RecordingHttpServer: a loopback HTTP/1.1 server that records each request it receives
// (method, target, headers in order) and answers with the status its path asks for.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/loopback_socket.hpp"

namespace tracewire_test {

/// Answers `/status/<code>` with that status and everything else with 200, always with a
/// short body and `Connection: close`. Runs on its own thread until destroyed. Header names
/// are recorded as received.
class RecordingHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;

    /// Every value of header `name` (any case), in order.
    std::vector<std::string> values(const std::string& name) const {
      std::vector<std::string> found;
      for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
              return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            })) {
          found.push_back(value);
        }
      }
      return found;
    }
  };

  RecordingHttpServer() {
    listener_ = bind_loopback(port_, true);
    thread_ = std::thread([this] { run(); });
  }
  ~RecordingHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  RecordingHttpServer(const RecordingHttpServer&) = delete;
  RecordingHttpServer& operator=(const RecordingHttpServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  /// The requests received so far.
  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd listening{listener_, POLLIN, 0};
      if (::poll(&listening, 1, 20) <= 0) continue;
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      serve(fd);
      ::close(fd);
    }
  }

  // One request per connection: read the head (and a body of Content-Length), answer.
  void serve(int fd) {
    std::string data;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::size_t head_end = std::string::npos;
    Request request;
    std::size_t body_length = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd readable{fd, POLLIN, 0};
      if (::poll(&readable, 1, 20) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      data.append(buffer, static_cast<std::size_t>(n));
      if (head_end == std::string::npos && (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        request = parse_head(data.substr(0, head_end));
        const auto lengths = request.values("Content-Length");
        body_length = lengths.empty() ? 0 : std::strtoul(lengths[0].c_str(), nullptr, 10);
      }
      if (head_end != std::string::npos && data.size() >= head_end + 4 + body_length) break;
    }
    if (head_end == std::string::npos) return;
    int status = 200;
    if (request.target.rfind("/status/", 0) == 0) status = std::atoi(request.target.c_str() + 8);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(request);
    }
    const std::string response =
        "HTTP/1.1 " + std::to_string(status) +
        " Status\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
  }

  static Request parse_head(const std::string& head) {
    Request request;
    std::size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    const std::size_t space = first.find(' ');
    request.method = first.substr(0, space);
    request.target = first.substr(space + 1, first.rfind(' ') - space - 1);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::size_t value = colon + 1;
      while (value < line.size() && line[value] == ' ') ++value;
      request.headers.emplace_back(line.substr(0, colon), line.substr(value));
    }
    return request;
  }

  int listener_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tracewire_test

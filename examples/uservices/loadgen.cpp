// loadgen: N concurrent HTTP/1.1 clients against one URL, for a duration or a number of
// requests; prints requests per second, the error rate and latency percentiles — the load
// stage of a tracing lab, to watch traces and the service graph under load.
//
// Usage: loadgen [--clients N] [--duration SECONDS | --requests N] [--header 'Name: value'] URL
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "service.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using uservices::beast::error_code;
namespace http = uservices::http;
namespace net = uservices::net;

struct Settings {
  int clients = 10;
  double duration_s = 10;
  long requests = 0;  // > 0: stop after this many instead of after the duration
  std::vector<std::pair<std::string, std::string>> headers;
  uservices::Url url;
};

struct Results {
  std::vector<double> latencies_ms;  // of successful requests
  long errors = 0;
  long started = 0;
};

/// One client: a keep-alive connection sending the request again as soon as the answer
/// arrives; reconnects after an error.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(const Settings& settings, Results& results, Clock::time_point deadline)
      : settings_(settings), results_(results), deadline_(deadline) {
    request_ = uservices::make_get(settings.url);
    request_.set(http::field::user_agent, "tracewire-loadgen");
    for (const auto& [name, value] : settings.headers) request_.set(name, value);
  }

  void start() { connect(); }

 private:
  bool more() const {
    return settings_.requests > 0 ? results_.started < settings_.requests : Clock::now() < deadline_;
  }

  void connect() {
    if (!more()) return;
    stream_.emplace(uservices::io_context());
    resolver_.async_resolve(
        settings_.url.host, settings_.url.port,
        [self = shared_from_this()](error_code ec, const uservices::tcp::resolver::results_type& results) {
          if (ec) return self->failed(false);
          self->stream_->expires_after(std::chrono::seconds(10));
          self->stream_->async_connect(results, [self](error_code ec, const auto&) {
            if (ec) return self->failed(false);
            self->send();
          });
        });
  }

  void send() {
    if (!more()) return;
    ++results_.started;
    sent_ = Clock::now();
    response_ = {};
    stream_->expires_after(std::chrono::seconds(30));
    http::async_write(*stream_, request_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->failed(true);
      http::async_read(*self->stream_, self->buffer_, self->response_, [self](error_code ec, std::size_t) {
        if (ec) return self->failed(true);
        if (self->response_.result_int() >= 400) {
          ++self->results_.errors;
        } else {
          self->results_.latencies_ms.push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - self->sent_).count());
        }
        if (self->response_.keep_alive()) return self->send();
        self->connect();
      });
    });
  }

  // A request that could not be sent (no connection) counts as a failed request too, so
  // `--requests N` ends against a dead server; reconnecting waits a little, not to spin.
  void failed(bool request_sent) {
    if (!request_sent) {
      if (!more()) return;
      ++results_.started;
    }
    ++results_.errors;
    retry_.expires_after(std::chrono::milliseconds(request_sent ? 0 : 100));
    retry_.async_wait([self = shared_from_this()](error_code) { self->connect(); });
  }

  const Settings& settings_;
  Results& results_;
  Clock::time_point deadline_;
  uservices::tcp::resolver resolver_{uservices::io_context()};
  net::steady_timer retry_{uservices::io_context()};
  std::optional<uservices::beast::tcp_stream> stream_;
  uservices::beast::flat_buffer buffer_;
  uservices::Request request_;
  uservices::Response response_;
  Clock::time_point sent_;
};

int usage() {
  std::cerr << "usage: loadgen [--clients N] [--duration SECONDS | --requests N] [--header 'Name: value'] URL\n";
  return 2;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  std::optional<uservices::Url> url;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    const bool has_value = i + 1 < argc;
    if (argument == "--clients" && has_value) {
      settings.clients = std::atoi(argv[++i]);
    } else if (argument == "--duration" && has_value) {
      settings.duration_s = std::atof(argv[++i]);
    } else if (argument == "--requests" && has_value) {
      settings.requests = std::atol(argv[++i]);
    } else if (argument == "--header" && has_value) {
      const std::string header = argv[++i];
      const std::size_t colon = header.find(':');
      if (colon == std::string::npos) return usage();
      settings.headers.emplace_back(header.substr(0, colon), header.substr(header.find_first_not_of(' ', colon + 1)));
    } else if (argument.rfind("--", 0) != 0 && !url) {
      url = uservices::parse_url(argument);
      if (!url) return usage();
    } else {
      return usage();
    }
  }
  if (!url || settings.clients < 1 || settings.duration_s <= 0 || settings.requests < 0) return usage();
  settings.url = *url;

  Results results;
  const auto started = Clock::now();
  const auto deadline =
      started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settings.duration_s));
  for (int i = 0; i < settings.clients; ++i) std::make_shared<Client>(settings, results, deadline)->start();
  uservices::io_context().run();  // one thread: the clients share `results` without locks
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();

  auto& latencies = results.latencies_ms;
  std::sort(latencies.begin(), latencies.end());
  const long total = static_cast<long>(latencies.size()) + results.errors;
  std::printf("%ld requests in %.1f s with %d clients: %.1f requests/s, %.2f %% errors\n", total, elapsed_s,
              settings.clients, static_cast<double>(total) / elapsed_s,
              total ? 100.0 * static_cast<double>(results.errors) / static_cast<double>(total) : 0.0);
  std::printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", percentile(latencies, 50),
              percentile(latencies, 90), percentile(latencies, 99), latencies.empty() ? 0.0 : latencies.back());
  return latencies.empty() ? 1 : 0;
}

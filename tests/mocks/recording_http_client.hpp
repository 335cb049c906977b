// RecordingHttpClient: an HttpClient that records requests and answers from a script.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tracewire/transport/http_client.hpp"

namespace tracewire_test {

/// Keeps a copy of every request (the body included) and answers with the scripted
/// results in order, then with `fallback` (202 Accepted unless changed). Thread-safe.
class RecordingHttpClient final : public tracewire::HttpClient {
 public:
  struct Request {
    std::string url;
    std::string content_type;
    std::string body;
    tracewire::HttpHeaders headers;
    std::chrono::milliseconds timeout{0};

    const std::string* header(const std::string& name) const {
      for (const auto& [key, value] : headers) {
        if (key == name) return &value;
      }
      return nullptr;
    }
  };

  /// Shared with the test after the exporter takes ownership of the client.
  struct State {
    std::mutex mutex;
    std::vector<Request> requests;
    std::deque<tracewire::Expected<tracewire::HttpResponse>> script;
    tracewire::HttpResponse fallback{202, {}, {}};

    std::vector<Request> recorded() {
      std::lock_guard<std::mutex> lock(mutex);
      return requests;
    }
    void answer(tracewire::Expected<tracewire::HttpResponse> result) {
      std::lock_guard<std::mutex> lock(mutex);
      script.push_back(std::move(result));
    }
  };

  explicit RecordingHttpClient(std::shared_ptr<State> state) : state_(std::move(state)) {}

  tracewire::Expected<tracewire::HttpResponse> post(const tracewire::HttpRequest& request) noexcept override {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->requests.push_back(
        {request.url, std::string(request.content_type), std::string(request.body), request.headers, request.timeout});
    if (state_->script.empty()) return state_->fallback;
    auto result = std::move(state_->script.front());
    state_->script.pop_front();
    return result;
  }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace tracewire_test

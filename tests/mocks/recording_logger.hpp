// RecordingLogger: captures tracewire's diagnostics so tests can assert on them.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tracewire/core/logger.hpp"

namespace tracewire_test {

class RecordingLogger final : public tracewire::Logger {
 public:
  void log(tracewire::LogLevel level, std::string_view message) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (level >= tracewire::LogLevel::warn) messages_.emplace_back(message);
  }
  std::vector<std::string> messages() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
  }
  bool contains(std::string_view text) const {
    for (const auto& message : messages()) {
      if (message.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
};

/// Installs a RecordingLogger for the lifetime of the guard.
struct CapturedLogs {
  std::shared_ptr<RecordingLogger> logger = std::make_shared<RecordingLogger>();
  CapturedLogs() { tracewire::set_logger(logger); }
  ~CapturedLogs() { tracewire::set_logger(std::make_shared<tracewire::StderrLogger>()); }
};

}  // namespace tracewire_test

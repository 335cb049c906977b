// RecordingLogger: captures tracewire's diagnostics so tests can assert on them.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tracewire/core/logger.hpp"

namespace tracewire_test {

/// Keeps every diagnostic as "<level>: <message>".
class RecordingLogger final : public tracewire::Logger {
 public:
  void log(tracewire::LogLevel level, std::string_view message) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.push_back(std::string(tracewire::to_string(level)) + ": " + std::string(message));
  }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  /// All lines joined, for `contains` checks.
  std::string text() const {
    std::string all;
    for (const auto& line : lines()) all += line + "\n";
    return all;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

/// Routes tracewire's diagnostics to a RecordingLogger for the scope's lifetime.
class CapturedLog {
 public:
  CapturedLog() : logger_(std::make_shared<RecordingLogger>()) { tracewire::set_logger(logger_); }
  ~CapturedLog() { tracewire::set_logger(std::make_shared<tracewire::StderrLogger>()); }
  std::string text() const { return logger_->text(); }
  std::size_t count() const { return logger_->lines().size(); }
  bool contains(std::string_view fragment) const { return text().find(fragment) != std::string::npos; }

 private:
  std::shared_ptr<RecordingLogger> logger_;
};

}  // namespace tracewire_test

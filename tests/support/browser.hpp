// A headless chromium for the trace viewer tests, driven through tests/browser/browser.js
// (playwright-core from the pinned npm lock file, with Debian's chromium; nothing is
// downloaded). If chromium cannot start, the constructor throws with the reason, so the
// test fails and says why; it never skips.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "support/peer_process.hpp"

#ifndef TRACEWIRE_BROWSER_DIR
#error "TRACEWIRE_BROWSER_DIR must name the tests/browser directory"
#endif
#ifndef TRACEWIRE_CHROMIUM
#define TRACEWIRE_CHROMIUM "/usr/bin/chromium"
#endif

namespace tracewire_test {

class Browser {
 public:
  Browser()
      : process_(
            {TRACEWIRE_NODE, std::string(TRACEWIRE_BROWSER_DIR) + "/browser.js", "--chromium", TRACEWIRE_CHROMIUM}) {
    const auto ready = process_.read_line(90s);
    if (!ready || ready->rfind("READY ", 0) != 0) {
      throw std::runtime_error("the browser tests need chromium (scripts/install-deps.sh test installs it): " +
                               ready.value_or("browser.js did not answer"));
    }
    version_ = nlohmann::json::parse(ready->substr(6)).at("version");
  }

  const std::string& version() const { return version_; }

  /// Loads a page and waits until its script has drawn it; returns {"loadMs": ...}.
  nlohmann::json open(const std::string& path, int width = 1280, int height = 860) {
    return call({{"op", "open"}, {"path", path}, {"width", width}, {"height", height}});
  }
  /// The viewer as rendered (see report() in browser.js).
  nlohmann::json report() { return call({{"op", "report"}}); }
  void click(const std::string& selector, int index = 0) {
    call({{"op", "click"}, {"selector", selector}, {"index", index}});
  }
  void fill(const std::string& selector, const std::string& text) {
    call({{"op", "fill"}, {"selector", selector}, {"text", text}});
  }
  void scroll(const std::string& selector, double top) {
    call({{"op", "scroll"}, {"selector", selector}, {"top", top}});
  }
  /// Saves a PNG and returns {"width", "height", "colours", "differing"} about its pixels.
  nlohmann::json screenshot(const std::string& path) { return call({{"op", "screenshot"}, {"path", path}}); }
  nlohmann::json evaluate(const std::string& expression) {
    return call({{"op", "evaluate"}, {"expression", expression}});
  }
  /// What the page did since it was opened: console errors, page errors, dialogs, requests.
  nlohmann::json events() { return call({{"op", "events"}}); }

 private:
  nlohmann::json call(const nlohmann::json& command) {
    if (!process_.write_line(command.dump())) throw std::runtime_error("browser.js has exited");
    const auto line = process_.read_line(120s);
    if (!line) throw std::runtime_error("browser.js did not answer " + command.dump());
    nlohmann::json answer = nlohmann::json::parse(*line);
    if (!answer.at("ok").get<bool>()) {
      throw std::runtime_error("browser: " + command.at("op").get<std::string>() +
                               " failed: " + answer.at("error").get<std::string>());
    }
    return answer.at("result");
  }

  ChildProcess process_;
  std::string version_;
};

}  // namespace tracewire_test

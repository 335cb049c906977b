// Helpers for the trace viewer tests: the data block of a page read back by nlohmann-json,
// files and a temporary directory, and running a program with its output captured.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace tracewire_test {

inline std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + path);
}

/// The text of the page's data block, as the browser hands it to JSON.parse.
inline std::string page_data_text(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"tracewire-data\">";
  const auto begin = page.find(open);
  if (begin == std::string::npos) throw std::runtime_error("the page has no data block");
  const auto end = page.find("</script>", begin + open.size());
  if (end == std::string::npos) throw std::runtime_error("the page's data block is not closed");
  return page.substr(begin + open.size(), end - begin - open.size());
}

/// The page's data, parsed by an independent JSON parser.
inline nlohmann::json page_data(const std::string& page) { return nlohmann::json::parse(page_data_text(page)); }

/// A fresh directory under /tmp, removed with what it holds.
struct TemporaryDirectory {
  std::string path;
  TemporaryDirectory() {
    char name[] = "/tmp/tracewire-view-XXXXXX";
    if (::mkdtemp(name) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp");
    path = name;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

struct ProgramResult {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
  std::string err;
  long max_rss_kib = 0;  // the program's peak resident memory
};

/// Runs `argv` with stdin from `input` and returns its exit status and output.
inline ProgramResult run_program(const std::vector<std::string>& argv, const std::string& input = "/dev/null") {
  char out_name[] = "/tmp/tracewire-out-XXXXXX";
  char err_name[] = "/tmp/tracewire-err-XXXXXX";
  const int out_fd = ::mkstemp(out_name);
  const int err_fd = ::mkstemp(err_name);
  if (out_fd < 0 || err_fd < 0) throw std::system_error(errno, std::generic_category(), "mkstemp");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& argument : argv) args.push_back(const_cast<char*>(argument.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_fd);
  ::close(err_fd);
  ProgramResult result;
  if (spawned == 0) {
    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {}
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.max_rss_kib = usage.ru_maxrss;
  }
  result.out = read_file(out_name);
  result.err = read_file(err_name);
  std::remove(out_name);
  std::remove(err_name);
  if (spawned != 0) throw std::system_error(spawned, std::generic_category(), "posix_spawn " + argv.at(0));
  return result;
}

}  // namespace tracewire_test

// ChildProcess: a child process with its stdin and stdout connected to the test, and
// run_command. Test-only, header-only, C++17, POSIX; needs no peer (see peer_process.hpp for
// the tests/peers wrappers built on it).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace tracewire_test {

using namespace std::chrono_literals;

// A child process whose stdin and stdout are connected to this process.
// Sockets rather than pipes: send() with MSG_NOSIGNAL cannot raise SIGPIPE in
// the test when the child has died. Every read has a timeout, and the
// destructor always kills and reaps the child, so no test waits forever.
class ChildProcess {
 public:
  // argv[0] is looked up in PATH.
  explicit ChildProcess(const std::vector<std::string>& argv) {
    int in[2], out[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) throw_errno("socketpair");
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) != 0) {
      close_both(in);
      throw_errno("socketpair");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the child's copies; stderr is shared
    // so that the peer's diagnostics show up in the test log.
    posix_spawn_file_actions_adddup2(&actions, in[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    // The child starts with default signal handling and an empty mask,
    // whatever the test runner changed for itself.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in[1]);
    ::close(out[1]);
    in_ = in[0];
    out_ = out[0];
    if (rc != 0) {
      pid_ = -1;
      close_fds();
      throw std::system_error(rc, std::generic_category(), "posix_spawnp " + argv.at(0));
    }
  }

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Closing stdin asks the peers to exit; a child that does not is killed.
  ~ChildProcess() {
    close_stdin();
    if (pid_ > 0 && !wait(2s)) {
      ::kill(pid_, SIGTERM);
      if (!wait(2s)) {
        ::kill(pid_, SIGKILL);
        wait(std::chrono::hours(1));
      }
    }
    close_fds();
  }

  pid_t pid() const { return pid_; }

  bool write(const std::string& data) {
    std::size_t done = 0;
    while (in_ >= 0 && done < data.size()) {
      const ssize_t n = ::send(in_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return done == data.size();
  }

  bool write_line(const std::string& line) { return write(line + "\n"); }

  void close_stdin() {
    if (in_ >= 0) ::close(in_);
    in_ = -1;
  }

  // The next stdout line without its newline; nullopt on timeout or end of output.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      if (!fill(deadline)) return std::nullopt;
    }
  }

  // Everything the child writes until it closes stdout (binary-safe);
  // nullopt on timeout.
  std::optional<std::string> read_to_eof(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_) {
      if (!fill(deadline) && !eof_) return std::nullopt;
    }
    return std::exchange(buffer_, {});
  }

  // Reaps the child if it exits in time: its exit code, or 128 + signal.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else if (r < 0 && errno != EINTR) {
        pid_ = -1;  // not our child any more; nothing left to reap
      } else if (std::chrono::steady_clock::now() >= deadline) {
        return std::nullopt;
      } else {
        std::this_thread::sleep_for(5ms);
      }
    }
    return exit_code_;
  }

 private:
  // Reads what is available into buffer_; false on timeout or end of output.
  bool fill(std::chrono::steady_clock::time_point deadline) {
    while (!eof_) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd{out_, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return false;
      char chunk[65536];
      const ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        eof_ = true;
        return false;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }

  static void close_both(int fds[2]) {
    ::close(fds[0]);
    ::close(fds[1]);
  }

  void close_fds() {
    close_stdin();
    if (out_ >= 0) ::close(out_);
    out_ = -1;
  }

  [[noreturn]] static void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
  }

  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string buffer_;
  bool eof_ = false;
  std::optional<int> exit_code_;
};

// Runs a command to completion: feeds `input` to its stdin and returns its
// stdout, or throws when it fails or takes longer than `timeout`. The input is
// written before any output is read, so a command that answers while reading
// (like gzip) must get input and output that fit the socket buffers
// (some 100 KiB).
inline std::string run_command(const std::vector<std::string>& argv, const std::string& input = {},
                               std::chrono::milliseconds timeout = 60s) {
  ChildProcess process(argv);
  process.write(input);
  process.close_stdin();
  auto output = process.read_to_eof(timeout);
  const auto code = process.wait(timeout);
  if (!output || code != 0) throw std::runtime_error("command failed or timed out: " + argv.at(0));
  return *output;
}

}  // namespace tracewire_test

// PostgresServer: a real PostgreSQL server of the test's own, in a temporary directory on a
// loopback port, started with Debian's server binaries (package postgresql) and stopped at
// the end. PostgreSQL refuses to run as root: when the test runs as root (CI), initdb and
// the server run as the unprivileged user `nobody`.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <libpq-fe.h>

#include "support/closed_port.hpp"

namespace tracewire_test {

class PostgresServer {
 public:
  /// Initialises a cluster and starts the server; throws with the reason (and the server's
  /// log) if it is not up within `timeout`. Needs the postgresql package: its absence is a
  /// failure naming the package, never a skip.
  explicit PostgresServer(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const std::string bin = find_binaries();
    char pattern[] = "/tmp/tracewire-postgres-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    directory_ = pattern;
    log_ = directory_ + "/server.log";
    unprivileged_ = ::geteuid() == 0;
    if (unprivileged_) {
      const passwd* nobody = ::getpwnam("nobody");
      if (!nobody) throw std::runtime_error("running as root, and there is no user `nobody` to run PostgreSQL as");
      uid_ = nobody->pw_uid;
      gid_ = nobody->pw_gid;
      if (::chown(directory_.c_str(), uid_, gid_) != 0) throw std::runtime_error("chown " + directory_ + " failed");
    }
    ::chmod(directory_.c_str(), 0700);
    const std::string data = directory_ + "/data";
    const auto deadline = std::chrono::steady_clock::now() + timeout;

    const pid_t initdb =
        spawn({bin + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"});
    const int status = wait_until(initdb, deadline);
    if (status != 0) fail("initdb exited with " + std::to_string(status));

    port_ = closed_port();
    server_ = spawn({bin + "/postgres", "-D", data, "-p", std::to_string(port_), "-c", "listen_addresses=127.0.0.1",
                     "-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "log_statement=all"});
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(connection_string().c_str()) == PQPING_OK) return;
      int child_status = 0;
      if (::waitpid(server_, &child_status, WNOHANG) == server_) {
        server_ = -1;
        fail("the server exited at start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    fail("the server did not accept connections in time");
  }

  ~PostgresServer() {
    stop();
    remove_tree(directory_);
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  /// A libpq connection string for the database `postgres` as user `postgres`.
  std::string connection_string() const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=postgres user=postgres connect_timeout=10";
  }
  /// What the server logged so far (log_statement=all: every statement it received).
  std::string log() const {
    std::ifstream file(log_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

 private:
  static std::string find_binaries() {
    std::vector<std::string> candidates;
#ifdef TRACEWIRE_POSTGRES_BINDIR
    candidates.push_back(TRACEWIRE_POSTGRES_BINDIR);
#endif
    if (DIR* versions = ::opendir("/usr/lib/postgresql")) {
      while (const dirent* entry = ::readdir(versions)) {
        if (entry->d_name[0] != '.') candidates.push_back(std::string("/usr/lib/postgresql/") + entry->d_name + "/bin");
      }
      ::closedir(versions);
    }
    for (const std::string& bin : candidates) {
      if (::access((bin + "/initdb").c_str(), X_OK) == 0 && ::access((bin + "/postgres").c_str(), X_OK) == 0)
        return bin;
    }
    throw std::runtime_error(
        "PostgreSQL's server (initdb, postgres) is not installed: apt-get install postgresql "
        "(scripts/install-deps.sh test installs it)");
  }

  // Runs `argv` (as nobody when the test is root) with stdout and stderr to the log.
  pid_t spawn(const std::vector<std::string>& argv) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      // The log is opened before the privileges are dropped: root's file, written through the descriptor.
      const int log = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log >= 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
      }
      if (unprivileged_ && (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0)) ::_exit(126);
      std::vector<char*> args;
      for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
      args.push_back(nullptr);
      ::setenv("LC_ALL", "C", 1);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    return pid;
  }

  // The exit status of `pid`, or -1 (after killing it) if it runs past `deadline`.
  static int wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  void stop() {
    if (server_ <= 0) return;
    ::kill(server_, SIGINT);  // fast shutdown
    if (wait_until(server_, std::chrono::steady_clock::now() + std::chrono::seconds(20)) < 0) {
      // killed: the server's children may be left; they exit when the postmaster is gone
    }
    server_ = -1;
  }

  [[noreturn]] void fail(const std::string& what) {
    const std::string text = log();
    stop();
    remove_tree(directory_);
    throw std::runtime_error("PostgreSQL test server: " + what + "; its log:\n" + text);
  }

  static void remove_tree(const std::string& path) {
    if (path.empty()) return;
    const std::string command = "rm -rf '" + path + "'";
    (void)std::system(command.c_str());
  }

  std::string directory_;
  std::string log_;
  bool unprivileged_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  int port_ = 0;
  pid_t server_ = -1;
};

}  // namespace tracewire_test

// Resource detectors: what tracewire can find out about the process, OS and host.
#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>
#include <sys/utsname.h>

#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/resource.hpp"
#include "tracewire/semconv.hpp"
#include "tracewire/version.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {
/// The NUL-separated arguments of this process (Linux /proc; empty elsewhere).
inline std::vector<std::string> read_command_args() {
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\0', start);
    if (end == std::string::npos) end = content.size();
    args.push_back(content.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

inline std::string executable_path() {
  char buffer[4096];
  const ssize_t size = ::readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : std::string();
}

inline std::string base_name(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace detail

/// `telemetry.sdk.name`, `.language`, `.version`, and `service.name` =
/// `unknown_service:<executable>` (the specification's fallback when no name is configured).
inline Resource sdk_resource() {
  AttributeSet attributes;
  attributes.set(semconv::service::name, "unknown_service:" + detail::base_name(detail::executable_path()));
  attributes.set(semconv::telemetry::sdk_name, "tracewire");
  attributes.set(semconv::telemetry::sdk_language, "cpp");
  attributes.set(semconv::telemetry::sdk_version, version_string);
  return Resource(std::move(attributes));
}

/// `process.pid`, `process.executable.name`, `process.executable.path`, `process.command_args`.
inline Resource process_resource() {
  AttributeSet attributes;
  attributes.set(semconv::incubating::process::pid, static_cast<std::int64_t>(::getpid()));
  const std::string path = detail::executable_path();
  if (!path.empty()) {
    attributes.set(semconv::incubating::process::executable_name, detail::base_name(path));
    attributes.set(semconv::incubating::process::executable_path, path);
  }
  const std::vector<std::string> args = detail::read_command_args();
  std::vector<std::string_view> views(args.begin(), args.end());
  if (!views.empty()) attributes.set(semconv::incubating::process::command_args, ArrayView<std::string_view>(views));
  return Resource(std::move(attributes));
}

/// `os.type` (e.g. "linux") and `os.description` (uname's system, release and version).
inline Resource os_resource() {
  AttributeSet attributes;
  struct utsname name {};
  if (::uname(&name) == 0) {
    attributes.set(semconv::incubating::os::type, detail::to_lower(name.sysname));
    attributes.set(semconv::incubating::os::description,
                   std::string(name.sysname) + " " + name.release + " " + name.version);
  }
  return Resource(std::move(attributes));
}

/// `host.name` and `host.arch`.
inline Resource host_resource() {
  AttributeSet attributes;
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) == 0) attributes.set(semconv::incubating::host::name, std::string(host));
  struct utsname name {};
  if (::uname(&name) == 0) {
    std::string arch = name.machine;
    attributes.set(semconv::incubating::host::arch, arch == "x86_64" ? "amd64" : arch == "aarch64" ? "arm64" : arch);
  }
  return Resource(std::move(attributes));
}

/// Everything above merged: the resource a provider gets when nothing else is configured.
inline Resource detected_resource() {
  return sdk_resource().merged_with(process_resource()).merged_with(os_resource()).merged_with(host_resource());
}

}  // namespace v0
}  // namespace tracewire

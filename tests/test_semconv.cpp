// semconv.hpp against the semantic-conventions release it names: every constant is an
// attribute of that release (tests/data/semconv-attributes.txt, taken from its model
// files), the stable ones are stable there and the incubating ones are not.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tracewire/semconv.hpp"

namespace semconv = tracewire::semconv;
namespace incubating = tracewire::semconv::incubating;

namespace {

struct Release {
  std::string header;                            ///< the data file's first line
  std::map<std::string, std::string> stability;  ///< attribute → stability
};

Release read_release() {
  std::ifstream file(TRACEWIRE_SEMCONV_ATTRIBUTES);
  REQUIRE(file);
  Release release;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (release.header.empty()) release.header = line;
      continue;
    }
    std::istringstream fields(line);
    std::string name, stability;
    fields >> name >> stability;
    release.stability[name] = stability;
  }
  return release;
}

// Every constant of semconv.hpp (the last test case checks that none is missing here).
const std::vector<const char*> stable_names{semconv::http::request_method,
                                            semconv::http::request_method_original,
                                            semconv::http::request_resend_count,
                                            semconv::http::response_status_code,
                                            semconv::http::route,
                                            semconv::url::full,
                                            semconv::url::path,
                                            semconv::url::query,
                                            semconv::url::scheme,
                                            semconv::url::fragment,
                                            semconv::server::address,
                                            semconv::server::port,
                                            semconv::client::address,
                                            semconv::client::port,
                                            semconv::network::peer_address,
                                            semconv::network::peer_port,
                                            semconv::network::local_address,
                                            semconv::network::local_port,
                                            semconv::network::protocol_name,
                                            semconv::network::protocol_version,
                                            semconv::network::transport,
                                            semconv::network::type,
                                            semconv::db::system_name,
                                            semconv::db::namespace_name,
                                            semconv::db::collection_name,
                                            semconv::db::operation_name,
                                            semconv::db::operation_batch_size,
                                            semconv::db::query_text,
                                            semconv::db::query_summary,
                                            semconv::db::stored_procedure_name,
                                            semconv::db::response_status_code,
                                            semconv::exception::type,
                                            semconv::exception::message,
                                            semconv::exception::stacktrace,
                                            semconv::error::type,
                                            semconv::service::name,
                                            semconv::service::version,
                                            semconv::service::namespace_name,
                                            semconv::service::instance_id,
                                            semconv::telemetry::sdk_name,
                                            semconv::telemetry::sdk_language,
                                            semconv::telemetry::sdk_version,
                                            semconv::telemetry::distro_name,
                                            semconv::telemetry::distro_version,
                                            semconv::user_agent::original,
                                            semconv::code::function_name,
                                            semconv::code::file_path,
                                            semconv::code::line_number,
                                            semconv::code::column_number,
                                            semconv::code::stacktrace,
                                            semconv::otel::status_code,
                                            semconv::otel::status_description,
                                            semconv::otel::scope_name,
                                            semconv::otel::scope_version};

const std::vector<const char*> incubating_names{incubating::rpc::system_name,
                                                incubating::rpc::method,
                                                incubating::rpc::response_status_code,
                                                incubating::process::pid,
                                                incubating::process::executable_name,
                                                incubating::process::executable_path,
                                                incubating::process::command,
                                                incubating::process::command_args,
                                                incubating::process::command_line,
                                                incubating::os::type,
                                                incubating::os::description,
                                                incubating::os::name,
                                                incubating::os::version,
                                                incubating::host::name,
                                                incubating::host::arch,
                                                incubating::host::id,
                                                incubating::host::type,
                                                incubating::messaging::system,
                                                incubating::messaging::operation_name,
                                                incubating::messaging::operation_type,
                                                incubating::messaging::destination_name,
                                                incubating::messaging::message_id};

}  // namespace

TEST_SUITE("semconv") {
  TEST_CASE("the names come from the release schema_url names") {
    const Release release = read_release();
    CHECK(release.header.find(std::string("schema ") + semconv::schema_url) != std::string::npos);
    CHECK(release.stability.size() > 100);
  }

  TEST_CASE("every stable constant is a stable attribute of that release") {
    const Release release = read_release();
    for (const char* name : stable_names) {
      CAPTURE(name);
      const auto found = release.stability.find(name);
      REQUIRE(found != release.stability.end());
      CHECK(found->second == "stable");
    }
  }

  TEST_CASE("every incubating constant is an attribute of that release that is not stable yet") {
    const Release release = read_release();
    for (const char* name : incubating_names) {
      CAPTURE(name);
      const auto found = release.stability.find(name);
      REQUIRE(found != release.stability.end());
      CHECK(found->second != "stable");
    }
  }

  TEST_CASE("the lists above hold every constant of the header, each once") {
    std::ifstream file(TRACEWIRE_SEMCONV_HEADER);
    REQUIRE(file);
    std::size_t constants = 0;
    for (std::string line; std::getline(file, line);) {
      constants += line.find("inline constexpr const char*") != std::string::npos;
    }
    CHECK(constants == stable_names.size() + incubating_names.size() + 1);  // + schema_url
    std::map<std::string, int> seen;
    for (const auto* list : {&stable_names, &incubating_names}) {
      for (const char* name : *list) CHECK(++seen[name] == 1);
    }
  }
}

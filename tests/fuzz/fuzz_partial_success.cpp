// libFuzzer target: OtlpPartialSuccess, the reader of what an OTLP receiver answers (protobuf
// and JSON, whole or cut at the HTTP client's cap). Input: any bytes, read as a response
// body in both encodings and at many cut points; the first 8 bytes also make a rejected
// count and the rest a message, which ProtoWriter and JsonWriter (the project's writers)
// encode as a receiver would, so that reading them back must give exactly those values.
#include <cstring>

#include "fuzz_support.hpp"
#include "tracewire/core/detail/utf8.hpp"
#include "tracewire/export/detail/json_writer.hpp"
#include "tracewire/export/otlp/detail/proto_writer.hpp"
#include "tracewire/export/otlp/otlp_partial_success.hpp"

using namespace tracewire;
using namespace tracewire_fuzz;

namespace {

// ExportTraceServiceResponse{partial_success{rejected_spans, error_message}} in protobuf,
// fields in number order as protobuf serialisers write them.
std::string protobuf_response(std::int64_t rejected, std::string_view message) {
  std::string body;
  detail::ProtoWriter out(body);
  const auto partial = out.begin_message(1, 5);
  out.write_int64(1, rejected);
  out.write_string(2, message);
  out.end_message(partial);
  out.finish();
  return body;
}

// The same in OTLP/JSON: int64 as a decimal string, as the OTLP JSON mapping writes it.
std::string json_response(std::int64_t rejected, std::string_view message) {
  std::string body;
  detail::JsonWriter out(body);
  out.begin_object();
  out.key("partialSuccess");
  out.begin_object();
  out.key("rejectedSpans");
  out.value_as_string(rejected);
  out.key("errorMessage");
  out.value(message);
  out.end_object();
  out.end_object();
  out.finish();
  return body;
}

// Cut points spread over the body (every one for short bodies): a prefix that yields a
// count yields the true one, never a shorter number, and a message that begins the true one.
void check_prefixes(const std::string& body, OtlpEncoding encoding, std::int64_t rejected, std::string_view message) {
  const std::size_t step = body.size() / 97 + 1;
  for (std::size_t cut = 0; cut <= body.size(); cut += step) {
    const OtlpPartialSuccess::PrefixReading reading = OtlpPartialSuccess::parse_prefix(body.substr(0, cut), encoding);
    if (!reading.result) continue;
    TRACEWIRE_FUZZ_CHECK(reading.partial_success);
    TRACEWIRE_FUZZ_CHECK(reading.result->rejected_spans == rejected);
    // A cut JSON escape may read as its backslash: only protobuf's message is byte-exact.
    if (encoding == OtlpEncoding::protobuf) {
      TRACEWIRE_FUZZ_CHECK(message.substr(0, reading.result->error_message.size()) == reading.result->error_message);
    }
  }
  const OtlpPartialSuccess::PrefixReading whole = OtlpPartialSuccess::parse_prefix(body, encoding);
  TRACEWIRE_FUZZ_CHECK(whole.partial_success && whole.result && whole.result->rejected_spans == rejected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = as_text(data, size);
  for (const OtlpEncoding encoding : {OtlpEncoding::protobuf, OtlpEncoding::json}) {
    (void)OtlpPartialSuccess::parse(input, encoding);
    const std::size_t step = input.size() / 31 + 1;
    for (std::size_t cut = 0; cut <= input.size(); cut += step) {
      (void)OtlpPartialSuccess::parse_prefix(input.substr(0, cut), encoding);
    }
  }

  if (size < 8) return 0;
  std::int64_t rejected;
  std::memcpy(&rejected, data, sizeof rejected);
  const std::string_view message = input.substr(8);

  const std::string proto = protobuf_response(rejected, message);
  const std::optional<OtlpPartialSuccess> from_proto = OtlpPartialSuccess::parse(proto, OtlpEncoding::protobuf);
  if (rejected != 0 || !message.empty()) {
    TRACEWIRE_FUZZ_CHECK(from_proto.has_value());
    TRACEWIRE_FUZZ_CHECK(from_proto->rejected_spans == rejected);
    TRACEWIRE_FUZZ_CHECK(from_proto->error_message == message);
  } else {
    TRACEWIRE_FUZZ_CHECK(!from_proto);  // an empty partial success is none
  }
  check_prefixes(proto, OtlpEncoding::protobuf, rejected, message);

  // JsonWriter repairs invalid UTF-8, so only a valid message comes back byte for byte.
  const std::string json = json_response(rejected, message);
  const std::optional<OtlpPartialSuccess> from_json = OtlpPartialSuccess::parse(json, OtlpEncoding::json);
  if (rejected != 0 || !message.empty()) {
    TRACEWIRE_FUZZ_CHECK(from_json.has_value());
    TRACEWIRE_FUZZ_CHECK(from_json->rejected_spans == rejected);
    if (detail::is_valid_utf8(message)) TRACEWIRE_FUZZ_CHECK(from_json->error_message == message);
  }
  check_prefixes(json, OtlpEncoding::json, rejected, message);
  return 0;
}

// libFuzzer target: ProtoReader, the protobuf reader of receivers' answers (OTLP responses,
// gRPC status details). Input: any bytes, walked as a message (and its length-delimited
// fields as nested messages), whole and as a prefix; the same bytes also script fields
// that ProtoWriter writes, and reading them back must give exactly what was written.
#include <algorithm>
#include <cstring>
#include <vector>

#include "fuzz_support.hpp"
#include "tracewire/export/otlp/detail/proto_reader.hpp"
#include "tracewire/export/otlp/detail/proto_writer.hpp"

using namespace tracewire;
using namespace tracewire_fuzz;
using tracewire::detail::ProtoReader;
using tracewire::detail::ProtoWriter;

namespace {

// Every view the reader hands out lies inside the data it was given; a walk that ends
// without an error consumed the data exactly.
void walk(std::string_view data, bool prefix, int depth) {
  ProtoReader reader = prefix ? ProtoReader::prefix(data) : ProtoReader(data);
  while (reader.next()) {
    TRACEWIRE_FUZZ_CHECK(reader.field() != 0);
    const std::string_view bytes = reader.bytes();
    if (!bytes.empty()) {
      TRACEWIRE_FUZZ_CHECK(bytes.data() >= data.data());
      TRACEWIRE_FUZZ_CHECK(bytes.data() + bytes.size() <= data.data() + data.size());
    }
    TRACEWIRE_FUZZ_CHECK(!reader.cut() || prefix);
    if (reader.wire_type() == 2 && depth < 3) walk(bytes, prefix && reader.cut(), depth + 1);
  }
}

struct Field {
  std::uint32_t number;
  std::uint32_t wire_type;
  std::uint64_t value;    // varint / fixed
  std::string_view text;  // length-delimited
};

// Fields scripted by the input: a selector byte, a field number, a value or a length.
std::vector<Field> script(std::string_view input) {
  std::vector<Field> fields;
  std::size_t at = 0;
  while (at + 10 <= input.size() && fields.size() < 64) {
    const auto selector = static_cast<std::uint8_t>(input[at]);
    std::uint32_t number = 0;
    std::memcpy(&number, input.data() + at + 1, sizeof number);
    number = (number & 0x1fffffff) | 1;  // 1 .. 2^29 - 1, the protobuf field range
    std::uint64_t value = 0;
    std::memcpy(&value, input.data() + at + 2, 8);
    at += 10;
    switch (selector % 4) {
      case 0:
        fields.push_back({number, 0, value, {}});
        break;
      case 1:
        fields.push_back({number, 1, value, {}});
        break;
      case 2:
        fields.push_back({number, 5, value & 0xffffffffu, {}});
        break;
      default: {
        const std::size_t length = std::min<std::size_t>(value % 300, input.size() - at);
        fields.push_back({number, 2, 0, input.substr(at, length)});
        at += length;
      }
    }
  }
  return fields;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = as_text(data, size);
  walk(input, false, 0);
  walk(input, true, 0);

  const std::vector<Field> fields = script(input);
  std::string buffer;
  ProtoWriter out(buffer);
  for (const Field& field : fields) {
    switch (field.wire_type) {
      case 0:
        out.write_varint(field.number, field.value);
        break;
      case 1:
        out.write_fixed64(field.number, field.value);
        break;
      case 5:
        out.write_fixed32(field.number, static_cast<std::uint32_t>(field.value));
        break;
      default:
        out.write_string(field.number, field.text);
    }
  }
  out.finish();

  // Whole: every field back, in order, with its value (fixed-width ones are skipped by the
  // reader, which only says they were there).
  ProtoReader reader(buffer);
  for (const Field& field : fields) {
    TRACEWIRE_FUZZ_CHECK(reader.next());
    TRACEWIRE_FUZZ_CHECK(reader.field() == field.number);
    TRACEWIRE_FUZZ_CHECK(reader.wire_type() == field.wire_type);
    if (field.wire_type == 0) TRACEWIRE_FUZZ_CHECK(reader.varint() == field.value);
    if (field.wire_type == 2) TRACEWIRE_FUZZ_CHECK(reader.bytes() == field.text);
  }
  TRACEWIRE_FUZZ_CHECK(!reader.next());
  TRACEWIRE_FUZZ_CHECK(reader.ok());

  // Cut anywhere: what the prefix reader returns is what was written, except that the last
  // field it returns may be a length-delimited one marked cut, holding a beginning.
  const std::size_t step = buffer.size() / 61 + 1;
  for (std::size_t cut = 0; cut < buffer.size(); cut += step) {
    ProtoReader prefix = ProtoReader::prefix(std::string_view(buffer).substr(0, cut));
    for (const Field& field : fields) {
      if (!prefix.next()) break;
      TRACEWIRE_FUZZ_CHECK(prefix.field() == field.number);
      TRACEWIRE_FUZZ_CHECK(prefix.wire_type() == field.wire_type);
      if (field.wire_type == 0) TRACEWIRE_FUZZ_CHECK(prefix.varint() == field.value);
      if (field.wire_type == 2) {
        if (prefix.cut()) {
          TRACEWIRE_FUZZ_CHECK(field.text.substr(0, prefix.bytes().size()) == prefix.bytes());
          TRACEWIRE_FUZZ_CHECK(prefix.bytes().size() < field.text.size());
        } else {
          TRACEWIRE_FUZZ_CHECK(prefix.bytes() == field.text);
        }
      }
    }
  }
  return 0;
}

// SpanExporter lives in trace/ (next to SpanProcessor, which calls it): this header is kept
// so that exporters written against earlier releases compile unchanged.
#pragma once

#include "tracewire/trace/span_exporter.hpp"

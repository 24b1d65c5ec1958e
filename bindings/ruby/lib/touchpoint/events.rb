# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# Event timestamps, parsed and formatted by the library.
module Touchpoint
  class << self
    # Milliseconds since the epoch of an event timestamp: RFC 3339
    # ("2026-03-01T12:30:00Z") or epoch seconds or milliseconds. A Time is
    # converted directly. Text that is no timestamp raises Error.
    def parse_timestamp(text)
      return (text.to_r * 1000).floor if text.is_a?(Time)

      text = text.to_s
      buf = FFI::MemoryPointer.from_string(text)
      ms = FFI::MemoryPointer.new(:int64)
      Error.check(Lib.tp_timestamp_parse(buf, text.bytesize, ms))
      ms.read_int64
    end

    # RFC 3339 in UTC with milliseconds: "2026-03-01T12:30:00.250Z".
    def format_timestamp(ms)
      buf = FFI::MemoryPointer.new(:char, 32)
      Error.check(Lib.tp_timestamp_format(Integer(ms), buf, buf.size))
      buf.read_string
    end

    # Milliseconds since the epoch as a UTC Time.
    def to_time(ms)
      Time.at(Rational(ms, 1000)).utc
    end

    # A duration in milliseconds: "30m", "7d", "1h30m" (needs a library
    # with tp_duration_parse), or a number of milliseconds.
    def parse_duration(text)
      return Integer(text) if text.is_a?(Numeric)
      unless Lib.respond_to?(:tp_duration_parse)
        raise NotImplementedError, "this libtouchpoint has no tp_duration_parse(); give milliseconds"
      end

      text = text.to_s
      buf = FFI::MemoryPointer.from_string(text)
      ms = FFI::MemoryPointer.new(:int64)
      Error.check(Lib.tp_duration_parse(buf, text.bytesize, ms))
      ms.read_int64
    end
  end
end

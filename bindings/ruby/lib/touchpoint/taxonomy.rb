# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# Names of the library's enums, read from the library at run time: a
# library that appends a dimension, value, field or model shows it without
# a new version of the gem.
module Touchpoint
  class << self
    # The run-time version of the loaded library, such as "1.0.0".
    def version
      Lib.str(Lib.tp_version_string)
    end

    # The run-time version as MAJOR * 10000 + MINOR * 100 + PATCH.
    def version_number
      Lib.tp_version_number
    end

    # The file (or SONAME) the gem loaded.
    def library_path
      Lib::PATH
    end

    # Every dimension with its value names in enum order (0, "unknown",
    # first): {"kind" => ["unknown", "digital", "physical"], ...}.
    def dimensions
      @dimensions ||= (1..Lib.tp_dimension_count).to_h do |d|
        [Lib.str(Lib.tp_dimension_name(d)),
         Array.new(Lib.tp_dimension_value_count(d)) { |v| Lib.str(Lib.tp_dimension_value_name(d, v)) }.freeze]
      end.freeze
    end

    # The tp_dimension number of a dimension name (case ignored).
    def dimension_id(name)
      parse_enum(:tp_dimension_parse, name, "dimension")
    end

    # The enum value of a dimension's value name: ("phase", "purchase") -> 2.
    def dimension_value(dimension, name)
      d = dimension.is_a?(Integer) ? dimension : dimension_id(dimension)
      out = FFI::MemoryPointer.new(:int)
      st = Lib.tp_dimension_value_parse(d, name.to_s, out)
      raise Error.new(st, "#{name.inspect} is not a value of #{dimension}") if st.negative?

      out.read_int
    end

    # The name of a dimension's enum value: ("phase", 2) -> "purchase".
    def dimension_value_name(dimension, value)
      d = dimension.is_a?(Integer) ? dimension : dimension_id(dimension)
      Lib.str(Lib.tp_dimension_value_name(d, value))
    end

    # The classification fields in tp_field order, from 1.
    def fields
      @fields ||= names(:tp_field_name, 1)
    end

    # The tp_field number of a field name (case ignored).
    def field_id(name)
      parse_enum(:tp_field_parse, name, "field")
    end

    # Referrer media from value 0: ["unknown", "search", "social", ...].
    def referrer_media
      @referrer_media ||= names(:tp_referrer_medium_name, 0)
    end

    # Attribution models in enum order: ["first", "last", ...].
    def attribution_models
      @attribution_models ||= names(:tp_attribution_model_name, 1)
    end

    # What attributed items can be, from value 0: ["unknown", "channel", ...].
    def attribution_dimensions
      @attribution_dimensions ||= names(:tp_attribution_by_name, 0)
    end

    private

    def names(fn, first)
      out = []
      i = first
      while (n = Lib.send(fn, i))
        out << Lib.str(n)
        i += 1
      end
      out.freeze
    end

    def parse_enum(fn, name, what)
      out = FFI::MemoryPointer.new(:int)
      st = Lib.send(fn, name.to_s, out)
      raise Error.new(st, "unknown #{what} #{name.inspect}") if st.negative?

      out.read_int
    end
  end
end

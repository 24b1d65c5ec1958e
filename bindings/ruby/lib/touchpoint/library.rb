# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require "ffi"

module Touchpoint
  # The environment variable that names the library file to load.
  LIBRARY_ENV = "TOUCHPOINT_LIBRARY"
  # The library's SONAME, loaded when the variable is not set.
  SONAME = "libtouchpoint.so.1"
  # The oldest library this gem works with (MAJOR*10000 + MINOR*100 + PATCH).
  MIN_VERSION = 900

  # The C functions, attached once (internal). Functions of parts of the
  # library that an older build may lack are attached when present:
  # Lib.respond_to?(name) says whether they are.
  module Lib
    extend FFI::Library

    PATH = ENV[LIBRARY_ENV].to_s.empty? ? SONAME : ENV[LIBRARY_ENV]
    begin
      ffi_lib PATH
    rescue LoadError => e
      raise LoadError, "touchpoint: cannot load #{PATH} (#{e.message}); install the " \
                       "libtouchpoint shared library or set #{LIBRARY_ENV} to its path"
    end

    # tp_attr (event.h)
    class Attr < FFI::Struct
      layout :key, :pointer, :key_len, :size_t, :value, :pointer, :value_len, :size_t
    end

    # tp_channel_def (catalog.h)
    class ChannelDef < FFI::Struct
      layout :size, :size_t, :id, :pointer, :name, :pointer, :kind, :int
    end

    # tp_stage_def (catalog.h)
    class StageDef < FFI::Struct
      layout :size, :size_t, :id, :pointer, :name, :pointer, :phase, :int
    end

    # tp_touchpoint_def (catalog.h); the dimension members follow the
    # header's order.
    class TouchpointDef < FFI::Struct
      layout :size, :size_t, :id, :pointer, :name, :pointer, :channel, :pointer,
             :stage, :pointer, :phase, :int, :initiator, :int, :personalization, :int,
             :intent, :int, :control, :int, :agent, :int, :business_model, :int
    end

    # tp_referrer_info (referrer.h)
    class ReferrerInfo < FFI::Struct
      layout :size, :size_t, :known, :int, :medium, :int, :source, :pointer,
             :term, :pointer, :term_len, :size_t, :term_truncated, :int
    end

    # tp_path (attribution.h)
    class Path < FFI::Struct
      layout :size, :size_t, :items, :pointer, :item_ids, :pointer, :n_items, :size_t,
             :times, :pointer, :conversion_time, :int64, :conversions, :double,
             :nulls, :double, :value, :double
    end

    # tp_path_table_options (attribution.h)
    class PathTableOptions < FFI::Struct
      layout :size, :size_t, :separator, :pointer, :path_column, :pointer,
             :conversions_column, :pointer, :nulls_column, :pointer,
             :value_column, :pointer, :by, :int
    end

    # tp_attribution_options (attribution.h)
    class AttributionOptions < FFI::Struct
      layout :size, :size_t, :excluded, :pointer, :half_life_ms, :int64,
             :first_share, :double, :last_share, :double, :order, :int,
             :transitions, :int
    end

    # A zeroed struct with its size member set, as its _INIT macro does for
    # the members that default to zero/NULL.
    def self.new_struct(klass)
      s = klass.new
      s[:size] = klass.size
      s
    end

    FUNCTIONS = {
      # version.h, status.h, alloc.h
      tp_version_number: [[], :uint],
      tp_version_string: [[], :string],
      tp_strerror: [[:int], :string],
      tp_status_name: [[:int], :string],
      tp_free: [[:pointer], :void],
      # error.h
      tp_error_new: [[], :pointer],
      tp_error_free: [[:pointer], :void],
      tp_error_clear: [[:pointer], :void],
      tp_error_count: [[:pointer], :size_t],
      tp_error_dropped: [[:pointer], :size_t],
      tp_error_code: [%i[pointer size_t], :int],
      tp_error_message: [%i[pointer size_t], :string],
      tp_error_source: [%i[pointer size_t], :string],
      tp_error_line: [%i[pointer size_t], :ulong],
      tp_error_column: [%i[pointer size_t], :ulong],
      tp_error_path: [%i[pointer size_t], :string],
      tp_error_format: [%i[pointer size_t pointer size_t], :int],
      # taxonomy.h
      tp_dimension_count: [[], :int],
      tp_dimension_name: [[:int], :string],
      tp_dimension_parse: [%i[string pointer], :int],
      tp_dimension_value_count: [[:int], :int],
      tp_dimension_value_name: [%i[int int], :string],
      tp_dimension_value_parse: [%i[int string pointer], :int],
      # catalog.h
      tp_catalog_builder_new: [[:pointer], :int],
      tp_catalog_builder_free: [[:pointer], :void],
      tp_catalog_builder_add_channel: [%i[pointer pointer], :int],
      tp_catalog_builder_add_stage: [%i[pointer pointer], :int],
      tp_catalog_builder_add_touchpoint: [%i[pointer pointer], :int],
      tp_catalog_builder_add_funnel: [%i[pointer string string pointer size_t], :int],
      tp_catalog_builder_finish: [%i[pointer pointer pointer], :int],
      tp_catalog_default: [%i[pointer pointer], :int],
      tp_catalog_load_file: [%i[string pointer pointer], :int],
      tp_catalog_load_string: [%i[pointer size_t string pointer pointer], :int],
      tp_catalog_save_string: [%i[pointer pointer pointer], :int],
      tp_catalog_save_file: [%i[pointer string pointer], :int],
      tp_catalog_equal: [%i[pointer pointer], :int],
      tp_catalog_free: [[:pointer], :void],
      tp_catalog_channel_count: [[:pointer], :size_t],
      tp_catalog_channel_id: [%i[pointer size_t], :string],
      tp_catalog_channel_name: [%i[pointer size_t], :string],
      tp_catalog_channel_kind: [%i[pointer size_t], :int],
      tp_catalog_find_channel: [%i[pointer string], :int],
      tp_catalog_touchpoint_count: [[:pointer], :size_t],
      tp_catalog_touchpoint_id: [%i[pointer size_t], :string],
      tp_catalog_touchpoint_name: [%i[pointer size_t], :string],
      tp_catalog_touchpoint_channel: [%i[pointer size_t], :int],
      tp_catalog_touchpoint_stage: [%i[pointer size_t], :int],
      tp_catalog_touchpoint_dimension: [%i[pointer size_t int], :int],
      tp_catalog_find_touchpoint: [%i[pointer string], :int],
      tp_catalog_stage_count: [[:pointer], :size_t],
      tp_catalog_stage_id: [%i[pointer size_t], :string],
      tp_catalog_stage_name: [%i[pointer size_t], :string],
      tp_catalog_stage_phase: [%i[pointer size_t], :int],
      tp_catalog_find_stage: [%i[pointer string], :int],
      tp_catalog_funnel_count: [[:pointer], :size_t],
      tp_catalog_funnel_id: [%i[pointer size_t], :string],
      tp_catalog_funnel_name: [%i[pointer size_t], :string],
      tp_catalog_funnel_stage_count: [%i[pointer size_t], :size_t],
      tp_catalog_funnel_stage: [%i[pointer size_t size_t], :int],
      tp_catalog_find_funnel: [%i[pointer string], :int],
      # referrer.h
      tp_referrer_medium_name: [[:int], :string],
      tp_refdb_default: [%i[pointer pointer], :int],
      tp_refdb_load_files: [%i[pointer size_t pointer pointer], :int],
      tp_refdb_load_string: [%i[pointer size_t string pointer pointer], :int],
      tp_refdb_free: [[:pointer], :void],
      tp_refdb_count: [[:pointer], :size_t],
      tp_refdb_source_count: [[:pointer], :size_t],
      tp_refdb_lookup: [%i[pointer pointer size_t pointer size_t pointer], :int],
      # event.h
      tp_timestamp_parse: [%i[pointer size_t pointer], :int],
      tp_timestamp_format: [%i[int64 pointer size_t], :int],
      # rules.h
      tp_ruleset_compile_string: [%i[pointer pointer size_t string pointer pointer], :int],
      tp_ruleset_compile_file: [%i[pointer string pointer pointer], :int],
      tp_ruleset_builtin: [%i[pointer string pointer pointer], :int],
      tp_ruleset_builtin_name: [[:size_t], :string],
      tp_ruleset_builtin_source: [%i[string pointer], :pointer],
      tp_ruleset_name: [[:pointer], :string],
      tp_ruleset_rule_count: [[:pointer], :size_t],
      tp_ruleset_memory: [[:pointer], :size_t],
      tp_ruleset_free: [[:pointer], :void],
      # classifier.h
      tp_field_name: [[:int], :string],
      tp_field_parse: [%i[string pointer], :int],
      tp_classifier_new: [%i[pointer pointer pointer], :int],
      tp_classifier_free: [[:pointer], :void],
      tp_classifier_add_rules: [%i[pointer pointer], :int],
      tp_classifier_add_rules_named: [%i[pointer string pointer], :int],
      tp_classifier_set_refdb: [%i[pointer pointer], :int],
      tp_classifier_map_field: [%i[pointer string string], :int],
      tp_classifier_load_field_map: [%i[pointer string pointer], :int],
      tp_classifier_add_internal_domain: [%i[pointer string], :int],
      tp_result_new: [[:pointer], :int],
      tp_result_free: [[:pointer], :void],
      tp_result_set_cache_size: [%i[pointer size_t], :int],
      tp_result_cache_size: [[:pointer], :size_t],
      tp_classify: [%i[pointer pointer size_t pointer], :int],
      tp_result_field: [%i[pointer int pointer], :pointer],
      tp_result_get: [%i[pointer string pointer], :pointer],
      tp_result_channel: [[:pointer], :int],
      tp_result_touchpoint: [[:pointer], :int],
      tp_result_stage: [[:pointer], :int],
      tp_result_referrer_known: [[:pointer], :int],
      tp_result_dimension: [%i[pointer int], :int],
      tp_result_timestamp: [%i[pointer pointer], :int],
      tp_result_number: [%i[pointer int pointer], :int],
      tp_result_label_count: [[:pointer], :size_t],
      tp_result_label: [%i[pointer size_t pointer pointer], :int],
      tp_result_json: [%i[pointer pointer size_t], :long],
      # reader.h
      tp_reader_new: [[:pointer], :int],
      tp_reader_free: [[:pointer], :void],
      tp_reader_set_max_bytes: [%i[pointer size_t], :int],
      tp_reader_parse: [%i[pointer pointer size_t string ulong pointer], :int],
      tp_reader_attrs: [%i[pointer pointer], :pointer],
      tp_reader_empty_object: [[:pointer], :int],
      # attribution.h
      tp_attribution_model_name: [[:int], :string],
      tp_attribution_model_parse: [%i[string pointer], :int],
      tp_attribution_by_name: [[:int], :string],
      tp_attribution_by_parse: [%i[string pointer], :int],
      tp_paths_new: [%i[int pointer], :int],
      tp_paths_free: [[:pointer], :void],
      tp_paths_by: [[:pointer], :int],
      tp_paths_intern: [%i[pointer pointer size_t pointer], :int],
      tp_paths_add: [%i[pointer pointer pointer], :int],
      tp_paths_merge: [%i[pointer pointer], :int],
      tp_paths_load_csv_file: [%i[string pointer pointer pointer], :int],
      tp_paths_load_csv_string: [%i[pointer size_t string pointer pointer pointer], :int],
      tp_paths_count: [[:pointer], :size_t],
      tp_paths_row_count: [[:pointer], :size_t],
      tp_paths_timed: [[:pointer], :int],
      tp_paths_item_count: [[:pointer], :size_t],
      tp_paths_item_name: [%i[pointer size_t], :string],
      tp_paths_find_item: [%i[pointer string], :int64],
      tp_paths_path_length: [%i[pointer size_t], :size_t],
      tp_paths_path_item: [%i[pointer size_t size_t], :int64],
      tp_paths_path_conversions: [%i[pointer size_t], :double],
      tp_paths_path_nulls: [%i[pointer size_t], :double],
      tp_paths_path_value: [%i[pointer size_t], :double],
      tp_paths_total_conversions: [[:pointer], :double],
      tp_paths_total_nulls: [[:pointer], :double],
      tp_paths_total_value: [[:pointer], :double],
      tp_attribution_compute: [%i[pointer int pointer pointer pointer], :int],
      tp_attribution_free: [[:pointer], :void],
      tp_attribution_get_model: [[:pointer], :int],
      tp_attribution_get_by: [[:pointer], :int],
      tp_attribution_get_order: [[:pointer], :int],
      tp_attribution_total_conversions: [[:pointer], :double],
      tp_attribution_total_value: [[:pointer], :double],
      tp_attribution_conversion_probability: [[:pointer], :double],
      tp_attribution_item_count: [[:pointer], :size_t],
      tp_attribution_item_id: [%i[pointer size_t], :string],
      tp_attribution_conversions: [%i[pointer size_t], :double],
      tp_attribution_value: [%i[pointer size_t], :double],
      tp_attribution_share: [%i[pointer size_t], :double],
      tp_attribution_removal_effect: [%i[pointer size_t], :double],
      tp_attribution_value_removal_effect: [%i[pointer size_t], :double],
      tp_attribution_state_count: [[:pointer], :size_t],
      tp_attribution_state_name: [%i[pointer size_t], :string],
      tp_attribution_transition_count: [[:pointer], :size_t],
      tp_attribution_transition: [%i[pointer size_t pointer pointer pointer pointer], :int]
    }.freeze

    # Functions that older libraries may lack.
    OPTIONAL = {
      tp_duration_parse: [%i[pointer size_t pointer], :int]
    }.freeze

    missing = []
    FUNCTIONS.each do |name, (args, ret)|
      attach_function name, args, ret
    rescue FFI::NotFoundError
      missing << name
    end
    raise LoadError, "touchpoint: #{PATH} lacks #{missing.join(', ')}" unless missing.empty?

    OPTIONAL.each do |name, (args, ret)|
      attach_function name, args, ret
    rescue FFI::NotFoundError
      nil
    end

    if tp_version_number < MIN_VERSION
      raise LoadError, format("touchpoint: %<path>s is version %<v>s; this gem needs %<a>d.%<b>d.%<c>d or later",
                              path: PATH, v: tp_version_string, a: MIN_VERSION / 10_000,
                              b: MIN_VERSION / 100 % 100, c: MIN_VERSION % 100)
    end

    # A C string as UTF-8 (nil stays nil).
    def self.str(s)
      s&.dup&.force_encoding(Encoding::UTF_8)
    end

    # A counted byte string as a UTF-8 String; nil for NULL.
    def self.counted(ptr, len)
      return nil if ptr.nil? || ptr.null?

      ptr.read_bytes(len).force_encoding(Encoding::UTF_8)
    end

    # Memory holding a copy of +s+ and a NUL (nil stays NULL). The caller
    # keeps the returned object alive while C reads it.
    def self.cstr(s)
      return nil if s.nil?

      FFI::MemoryPointer.from_string(s.to_s)
    end

    # An [out] object pointer.
    def self.out
      FFI::MemoryPointer.new(:pointer)
    end
  end

  # An object of the library, freed once: by #close, at the end of a block
  # given to its constructor, or by the garbage collector. #close may be
  # called any number of times.
  class Handle
    def initialize(raw, free_fn)
      @ptr = FFI::AutoPointer.new(raw, Lib.method(free_fn))
    end

    # Free the library's object now, and the objects it made for itself
    # (a default catalog). Safe to call again.
    def close
      @ptr&.free
      @ptr = nil
      @owned&.each(&:close)
      @owned = nil
    end

    def closed?
      @ptr.nil?
    end

    # Yield self to the block and close afterwards; the block's value.
    def self.block_close(obj)
      return obj unless block_given?

      begin
        yield obj
      ensure
        obj.close
      end
    end

    protected

    # Close +obj+ with this object; returns +obj+.
    def own(obj)
      (@owned ||= []) << obj
      obj
    end

    def ptr
      raise IOError, "touchpoint: #{self.class.name.split('::').last} is closed" if @ptr.nil?

      @ptr
    end
  end
end

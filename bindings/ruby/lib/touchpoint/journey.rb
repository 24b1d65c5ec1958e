# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# Journeys, paths to conversion, path counts, funnels and the touchpoint
# matrix (journey.h, funnel.h, matrix.h, state.h). These parts of the API
# are newer than the rest: without them the gem still loads, and the
# classes here raise NotImplementedError.
module Touchpoint
  module Lib
    # tp_touch (journey.h)
    class Touch < FFI::Struct
      layout :size, :size_t, :customer_id, :pointer, :customer_id_len, :size_t,
             :timestamp_ms, :int64, :event, :pointer, :event_len, :size_t,
             :touchpoint, :int32, :channel, :int32, :stage, :int32, :phase, :int,
             :channel_group, :pointer, :channel_group_len, :size_t,
             :source, :pointer, :source_len, :size_t, :medium, :pointer, :medium_len, :size_t,
             :campaign, :pointer, :campaign_len, :size_t,
             :has_value, :int, :value, :double, :has_score, :int, :score, :double,
             :conversion, :int, :attrs, :pointer, :n_attrs, :size_t
    end

    # tp_journey_options (journey.h)
    class JourneyOptions < FFI::Struct
      layout :size, :size_t, :session_timeout_ms, :int64, :session_midnight, :int,
             :session_utc_offset_minutes, :int32, :session_on_campaign_change, :int,
             :conversions, :pointer, :n_conversions, :size_t
    end

    # tp_journey_event (journey.h)
    class JourneyEventC < FFI::Struct
      layout :size, :size_t, :customer_number, :size_t, :timestamp_ms, :int64, :event, :pointer,
             :touchpoint, :int32, :channel, :int32, :stage, :int32, :phase, :int,
             :channel_group, :pointer, :source, :pointer, :medium, :pointer, :campaign, :pointer,
             :has_value, :int, :value, :double, :has_score, :int, :score, :double,
             :is_conversion, :int, :session, :size_t, :session_start, :int,
             :event_id, :uint32, :channel_group_id, :uint32, :source_id, :uint32,
             :medium_id, :uint32, :campaign_id, :uint32
    end

    # tp_journey_path_options (journey.h); zero is the default.
    class PathOptions < FFI::Struct
      layout :size, :size_t, :lookback_ms, :int64, :lookback_steps, :size_t,
             :touches, :int, :exclude_conversion, :int
    end

    # tp_matrix_options (matrix.h)
    class MatrixOptions < FFI::Struct
      layout :size, :size_t, :rows, :pointer, :cols, :pointer
    end

    # tp_matrix_cell (matrix.h)
    class MatrixCellC < FFI::Struct
      layout :size, :size_t, :events, :uint64, :customers, :uint64, :converted, :uint64,
             :conversion_rate, :double, :scores, :uint64, :mean_score, :double
    end

    # tp_funnel_step_stats (funnel.h)
    class StepStatsC < FFI::Struct
      layout :size, :size_t, :name, :pointer, :customers, :uint64,
             :conversion_from_previous, :double, :conversion_from_first, :double,
             :dropped, :uint64, :has_times, :int, :median_seconds_from_previous, :double,
             :p90_seconds_from_previous, :double
    end

    JOURNEY_FUNCTIONS = {
      tp_state_kind_name: [[:int], :string],
      tp_state_format_name: [[:int], :string],
      tp_state_format_parse: [%i[string pointer], :int],
      tp_state_identify: [%i[pointer size_t string pointer pointer pointer], :int],
      tp_journey_store_new: [%i[pointer pointer pointer pointer], :int],
      tp_journey_store_free: [[:pointer], :void],
      tp_journey_store_keep_field: [%i[pointer string], :int],
      tp_journey_store_add: [%i[pointer pointer pointer], :int],
      tp_journey_store_finish: [[:pointer], :int],
      tp_journey_store_is_finished: [[:pointer], :int],
      tp_journey_store_customer_count: [[:pointer], :size_t],
      tp_journey_store_event_count: [[:pointer], :size_t],
      tp_journey_store_customer_id: [%i[pointer size_t], :string],
      tp_journey_store_find_customer: [%i[pointer string], :int64],
      tp_journey_store_journey: [%i[pointer size_t pointer pointer], :int],
      tp_journey_store_session_count: [%i[pointer size_t], :size_t],
      tp_journey_store_event: [%i[pointer size_t pointer], :int],
      tp_journey_store_find_field: [%i[pointer string], :int],
      tp_journey_store_event_field: [%i[pointer size_t int], :string],
      tp_journey_path_iter_new: [%i[pointer pointer pointer], :int],
      tp_journey_path_iter_free: [[:pointer], :void],
      tp_journey_path_iter_next: [[:pointer], :int],
      tp_journey_path_iter_customer: [[:pointer], :size_t],
      tp_journey_path_iter_converted: [[:pointer], :int],
      tp_journey_path_iter_end_time: [[:pointer], :int64],
      tp_journey_path_iter_value: [[:pointer], :double],
      tp_journey_path_iter_length: [[:pointer], :size_t],
      tp_journey_path_iter_events: [[:pointer], :pointer],
      tp_path_counts_compute: [%i[pointer string pointer pointer pointer], :int],
      tp_path_counts_free: [[:pointer], :void],
      tp_path_counts_merge: [%i[pointer pointer pointer], :int],
      tp_path_counts_save: [%i[pointer int pointer pointer], :int],
      tp_path_counts_load: [%i[pointer size_t string pointer pointer], :int],
      tp_path_counts_field: [[:pointer], :string],
      tp_path_counts_count: [[:pointer], :size_t],
      tp_path_counts_length: [%i[pointer size_t], :size_t],
      tp_path_counts_item: [%i[pointer size_t size_t], :string],
      tp_path_counts_conversions: [%i[pointer size_t], :uint64],
      tp_path_counts_nulls: [%i[pointer size_t], :uint64],
      tp_path_counts_value: [%i[pointer size_t], :double],
      tp_path_counts_totals: [%i[pointer pointer pointer pointer], :int],
      tp_funnel_mode_parse: [%i[string pointer], :int],
      tp_funnel_mode_name: [[:uint], :string],
      tp_funnel_count_parse: [%i[string pointer], :int],
      tp_funnel_count_name: [[:int], :string],
      tp_funnel_attribution_parse: [%i[string pointer], :int],
      tp_funnel_new: [[:pointer], :int],
      tp_funnel_new_from_catalog: [%i[pointer string pointer pointer], :int],
      tp_funnel_free: [[:pointer], :void],
      tp_funnel_add_step: [%i[pointer string string pointer], :int],
      tp_funnel_add_exclusion: [%i[pointer string pointer], :int],
      tp_funnel_set_window: [%i[pointer int64], :int],
      tp_funnel_set_mode: [%i[pointer uint], :int],
      tp_funnel_set_count: [%i[pointer int], :int],
      tp_funnel_set_breakdown: [%i[pointer string int size_t], :int],
      tp_funnel_step_count: [[:pointer], :size_t],
      tp_funnel_step_name: [%i[pointer size_t], :string],
      tp_funnel_keep_fields: [%i[pointer pointer], :int],
      tp_funnel_run: [%i[pointer pointer pointer pointer], :int],
      tp_funnel_state_free: [[:pointer], :void],
      tp_funnel_state_merge: [%i[pointer pointer pointer], :int],
      tp_funnel_state_save: [%i[pointer int pointer pointer], :int],
      tp_funnel_state_load: [%i[pointer size_t string pointer pointer], :int],
      tp_funnel_state_step_count: [[:pointer], :size_t],
      tp_funnel_state_step_condition: [%i[pointer size_t], :string],
      tp_funnel_state_settings: [%i[pointer pointer pointer pointer], :int],
      tp_funnel_state_journeys: [[:pointer], :uint64],
      tp_funnel_state_breakdown: [[:pointer], :string],
      tp_funnel_state_group_count: [[:pointer], :size_t],
      tp_funnel_state_group_label: [%i[pointer size_t], :string],
      tp_funnel_state_step: [%i[pointer size_t size_t pointer], :int],
      tp_funnel_state_next_count: [%i[pointer size_t size_t], :size_t],
      tp_funnel_state_next: [%i[pointer size_t size_t size_t pointer pointer], :int],
      tp_matrix_compute: [%i[pointer pointer pointer pointer], :int],
      tp_matrix_free: [[:pointer], :void],
      tp_matrix_merge: [%i[pointer pointer pointer], :int],
      tp_matrix_save: [%i[pointer int pointer pointer], :int],
      tp_matrix_load: [%i[pointer size_t string pointer pointer], :int],
      tp_matrix_rows_field: [[:pointer], :string],
      tp_matrix_cols_field: [[:pointer], :string],
      tp_matrix_row_count: [[:pointer], :size_t],
      tp_matrix_col_count: [[:pointer], :size_t],
      tp_matrix_row_label: [%i[pointer size_t], :string],
      tp_matrix_col_label: [%i[pointer size_t], :string],
      tp_matrix_cell_get: [%i[pointer size_t size_t pointer], :int]
    }.freeze

    JOURNEY_MISSING = []
    JOURNEY_FUNCTIONS.each do |name, (args, ret)|
      attach_function name, args, ret
    rescue FFI::NotFoundError
      JOURNEY_MISSING << name
    end
    JOURNEY_MISSING.freeze
  end

  # True when the loaded library has the journey, funnel and matrix API.
  JOURNEYS_AVAILABLE = Lib::JOURNEY_MISSING.empty?

  # Which events of a journey are a path's touches (tp_journey_path_touches;
  # the library has no names for them).
  PATH_TOUCHES = { "events" => 1, "sessions" => 2, "touchpoints" => 3 }.freeze

  # One event of a journey, as the store gives it back.
  JourneyEvent = Struct.new(:index, :customer, :timestamp, :event, :touchpoint, :channel, :stage,
                            :phase, :channel_group, :source, :medium, :campaign, :value, :score,
                            :conversion, :session, :session_start, keyword_init: true)
  # One customer's events in time order; Enumerable over them.
  Journey = Struct.new(:customer, :events, :sessions, keyword_init: true) do
    include Enumerable

    def each(&block)
      events.each(&block)
    end
  end
  # A path to conversion (or the non-converting rest of a journey).
  JourneyPath = Struct.new(:customer, :converted, :end_time, :value, :touches, keyword_init: true)
  # A distinct path of path counts.
  PathCount = Struct.new(:items, :conversions, :nulls, :value, keyword_init: true)
  # One step of a funnel result (times nil when unknown; next: where the
  # dropped went, [touchpoint, customers] pairs).
  FunnelStep = Struct.new(:name, :condition, :customers, :conversion_from_previous,
                          :conversion_from_first, :dropped, :median_seconds_from_previous,
                          :p90_seconds_from_previous, :next, keyword_init: true)
  # The figures of one cell of the touchpoint matrix.
  MatrixCell = Struct.new(:row, :col, :events, :customers, :converted, :conversion_rate,
                          :scores, :mean_score, keyword_init: true)

  # Helpers of the journey classes (internal).
  module JourneySupport
    module_function

    def need!
      return if JOURNEYS_AVAILABLE

      raise NotImplementedError, "this libtouchpoint lacks the journey API: #{Lib::JOURNEY_MISSING.join(', ')}"
    end

    def str(ptr)
      ptr.nil? || ptr.null? ? nil : Lib.str(ptr.read_string)
    end

    def parse_enum(fn, name, what, type = :int)
      out = FFI::MemoryPointer.new(type)
      st = Lib.send(fn, name.to_s, out)
      raise Error.new(st, "unknown #{what} #{name.inspect}") if st.negative?

      type == :uint ? out.read_uint : out.read_int
    end

    def state_format(fmt)
      parse_enum(:tp_state_format_parse, fmt, "state format")
    end

    def saved(fn, ptr, fmt)
      out = Lib.out
      len = FFI::MemoryPointer.new(:size_t)
      Error.check(Lib.send(fn, ptr, state_format(fmt), out, len))
      p = out.read_pointer
      begin
        p.read_bytes(len.read(:size_t))
      ensure
        Lib.tp_free(p)
      end
    end

    def loaded(klass, fn, data, source)
      need!
      buf = FFI::MemoryPointer.from_string(data)
      out = Lib.out
      Error.call(fn, buf, data.bytesize, source, out)
      klass.new(out.read_pointer)
    end

    def path_options(lookback: nil, lookback_steps: 0, touches: nil, exclude_conversion: false)
      o = Lib.new_struct(Lib::PathOptions)
      o[:lookback_ms] = lookback.nil? ? 0 : ::Touchpoint.parse_duration(lookback)
      o[:lookback_steps] = lookback_steps || 0
      unless touches.nil?
        raise ArgumentError, "touches is one of #{PATH_TOUCHES.keys.join(', ')}" unless PATH_TOUCHES.key?(touches.to_s)

        o[:touches] = PATH_TOUCHES[touches.to_s]
      end
      o[:exclude_conversion] = exclude_conversion ? 1 : 0
      o
    end
  end

  # Recognise a saved state: [kind, format] names such as ["funnel", "json"].
  def self.state_kind(data, source: nil)
    JourneySupport.need!
    buf = FFI::MemoryPointer.from_string(data)
    k = FFI::MemoryPointer.new(:int)
    f = FFI::MemoryPointer.new(:int)
    Error.call(:tp_state_identify, buf, data.bytesize, source, k, f)
    [Lib.str(Lib.tp_state_kind_name(k.read_int)), Lib.str(Lib.tp_state_format_name(f.read_int))]
  end

  # Collects classified events in any order and, once finished, gives every
  # customer's journey in time order, cut into sessions. Enumerable over
  # the journeys.
  #
  #   store = Touchpoint::JourneyStore.new(session_timeout: "30m", conversions: ["event=purchase"])
  #   store.add_file("events.ndjson", classifier)
  #   store.finish
  #   store.each { |journey| ... }
  class JourneyStore < Handle
    include Enumerable

    attr_reader :catalog

    def initialize(catalog: nil, session_timeout: nil, session_midnight: false, utc_offset_minutes: 0,
                   session_on_campaign_change: false, conversions: nil, keep_fields: [])
      JourneySupport.need!
      @catalog = catalog || Catalog.default
      owned = catalog.nil? ? @catalog : nil
      opts = nil
      keep = []
      if !session_timeout.nil? || session_midnight || utc_offset_minutes != 0 ||
         session_on_campaign_change || !conversions.nil?
        opts = Lib.new_struct(Lib::JourneyOptions)
        # TP_JOURNEY_OPTIONS_INIT's default timeout (an _INIT macro cannot
        # be called through FFI).
        opts[:session_timeout_ms] = session_timeout.nil? ? 30 * 60 * 1000 : ::Touchpoint.parse_duration(session_timeout)
        opts[:session_midnight] = session_midnight ? 1 : 0
        opts[:session_utc_offset_minutes] = utc_offset_minutes
        opts[:session_on_campaign_change] = session_on_campaign_change ? 1 : 0
        if conversions
          names = conversions.map { |c| Lib.cstr(c) }
          arr = FFI::MemoryPointer.new(:pointer, [names.size, 1].max)
          arr.write_array_of_pointer(names) unless names.empty?
          keep << names << arr
          opts[:conversions] = arr
          opts[:n_conversions] = names.size
        end
      end
      out = Lib.out
      begin
        Error.call(:tp_journey_store_new, @catalog.send(:ptr), opts, out)
      rescue StandardError
        owned&.close
        raise
      end
      keep.clear
      super(out.read_pointer, :tp_journey_store_free)
      own(owned) if owned
      keep_fields.each { |f| keep_field(f) }
    end

    # Yield a new store and free it afterwards; the block's value.
    def self.open(**options, &block)
      block_close(new(**options), &block)
    end

    # Keep a raw attribute of every event added from now on.
    def keep_field(name)
      Error.check(Lib.tp_journey_store_keep_field(ptr, name.to_s))
      self
    end

    # Add one event by its members: catalog ids for touchpoint, channel and
    # stage, a phase name, conversion true/false to override the store's
    # conditions, attrs a Hash of raw attributes (for kept fields).
    def add(customer_id, timestamp, event = nil, touchpoint: nil, channel: nil, stage: nil, phase: nil,
            channel_group: nil, source: nil, medium: nil, campaign: nil, value: nil, score: nil,
            conversion: nil, attrs: nil)
      t = Lib.new_struct(Lib::Touch)
      keep = []
      set = lambda do |name, v|
        next if v.nil?

        v = v.to_s
        keep << (m = FFI::MemoryPointer.from_string(v))
        t[name] = m
        t[:"#{name}_len"] = v.bytesize
      end
      set.call(:customer_id, customer_id)
      t[:timestamp_ms] = timestamp.is_a?(Integer) ? timestamp : ::Touchpoint.parse_timestamp(timestamp)
      set.call(:event, event)
      t[:touchpoint] = touchpoint.nil? ? -1 : @catalog.touchpoint(touchpoint).index
      t[:channel] = channel.nil? ? -1 : @catalog.channel(channel).index
      t[:stage] = stage.nil? ? -1 : @catalog.stage(stage).index
      t[:phase] = ::Touchpoint.dimension_value("phase", phase) unless phase.nil?
      set.call(:channel_group, channel_group)
      set.call(:source, source)
      set.call(:medium, medium)
      set.call(:campaign, campaign)
      unless value.nil?
        t[:has_value] = 1
        t[:value] = value.to_f
      end
      unless score.nil?
        t[:has_score] = 1
        t[:score] = score.to_f
      end
      t[:conversion] = conversion ? 1 : 2 unless conversion.nil? # TP_CONVERSION_YES / _NO
      if attrs && !attrs.empty?
        arr = FFI::MemoryPointer.new(Lib::Attr, attrs.size)
        attrs.each_with_index do |(k, v), i|
          a = Lib::Attr.new(arr + i * Lib::Attr.size)
          keep << (kp = FFI::MemoryPointer.from_string(k.to_s)) << (vp = FFI::MemoryPointer.from_string(v.to_s))
          a[:key] = kp
          a[:key_len] = k.to_s.bytesize
          a[:value] = vp
          a[:value_len] = v.to_s.bytesize
        end
        keep << arr
        t[:attrs] = arr
        t[:n_attrs] = attrs.size
      end
      Error.call(:tp_journey_store_add, ptr, t)
      keep.clear
      self
    end

    # Classify a raw event (a Hash with a customer_id and a timestamp) and
    # add it.
    def add_event(event, classifier)
      classifier.with_attrs(event) { |session, attrs, n| add_result(session.result, attrs, n) }
      self
    end

    # Classify and add every event of an Enumerable.
    def add_events(events, classifier)
      events.each { |e| add_event(e, classifier) }
      self
    end

    # Classify and add every line of an NDJSON file. A line the reader
    # refuses, or whose event the store refuses (no customer id or
    # timestamp), raises Error with the file and line, or goes to
    # +on_reject+ and is skipped.
    def add_file(path, classifier, on_reject: nil)
      classifier.each_line(path, on_reject) do |session, attrs, n, _line, lineno|
        add_result(session.result, attrs, n)
      rescue Error => e
        located = Error.new(e.code, e.reason, source: path.to_s, line: lineno,
                                              formatted: "#{path}:#{lineno}: #{e.reason}")
        raise located if on_reject.nil?

        on_reject.call(located)
      end
      self
    end

    # Sort the events into journeys and cut the sessions.
    def finish
      Error.check(Lib.tp_journey_store_finish(ptr))
      self
    end

    def finished?
      Lib.tp_journey_store_is_finished(ptr) == 1
    end

    # Customers (journeys).
    def size
      Lib.tp_journey_store_customer_count(ptr)
    end
    alias length size

    def event_count
      Lib.tp_journey_store_event_count(ptr)
    end

    # Customer ids in the order their first event came.
    def customers
      Array.new(size) { |i| Lib.str(Lib.tp_journey_store_customer_id(ptr, i)) }
    end

    # The journey of a customer (an id or a number).
    def journey(customer)
      unless customer.is_a?(Integer)
        c = Lib.tp_journey_store_find_customer(ptr, customer.to_s)
        raise KeyError, "no customer #{customer.inspect}" if c.negative?

        customer = c
      end
      first = FFI::MemoryPointer.new(:size_t)
      count = FFI::MemoryPointer.new(:size_t)
      Error.check(Lib.tp_journey_store_journey(ptr, customer, first, count))
      f = first.read(:size_t)
      Journey.new(customer: Lib.str(Lib.tp_journey_store_customer_id(ptr, customer)),
                  events: Array.new(count.read(:size_t)) { |i| event_at(f + i) },
                  sessions: Lib.tp_journey_store_session_count(ptr, customer))
    end

    # Every journey, customer by customer.
    def each
      return enum_for(:each) unless block_given?

      size.times { |c| yield journey(c) }
      self
    end

    # The value of a field (or kept attribute) on an event, as text.
    def event_field(index, name)
      f = Lib.tp_journey_store_find_field(ptr, name.to_s)
      raise Error.new(f, "unknown field #{name.inspect}") if f.negative?

      s = Lib.tp_journey_store_event_field(ptr, index, f)
      s && Lib.str(s)
    end

    # The paths to conversion (yielded, or an Enumerator of JourneyPath).
    # Options: lookback (ms or "30d"), lookback_steps, touches ("events",
    # "sessions", "touchpoints"), exclude_conversion.
    def paths(**options)
      return enum_for(:paths, **options) unless block_given?

      o = JourneySupport.path_options(**options)
      out = Lib.out
      Error.check(Lib.tp_journey_path_iter_new(ptr, o, out))
      it = out.read_pointer
      begin
        while Lib.tp_journey_path_iter_next(it) == 1
          n = Lib.tp_journey_path_iter_length(it)
          evs = Lib.tp_journey_path_iter_events(it)
          idx = n.zero? ? [] : evs.read_array_of_type(:size_t, :read_ulong, n)
          yield JourneyPath.new(
            customer: Lib.str(Lib.tp_journey_store_customer_id(ptr, Lib.tp_journey_path_iter_customer(it))),
            converted: Lib.tp_journey_path_iter_converted(it) == 1,
            end_time: Lib.tp_journey_path_iter_end_time(it),
            value: Lib.tp_journey_path_iter_value(it),
            touches: idx.map { |i| event_at(i) }
          )
        end
      ensure
        Lib.tp_journey_path_iter_free(it)
      end
      self
    end

    # A timed attribution path set (Touchpoint::Paths) of the paths, items
    # being the values of +field+; time decay can run on it.
    def attribution_paths(field = "channel", by: nil, **options)
      fh = Lib.tp_journey_store_find_field(ptr, field.to_s)
      raise Error.new(fh, "unknown field #{field.inspect}") if fh.negative?

      out = Paths.new(by: by || field)
      begin
        paths(**options) do |p|
          touches = p.touches.filter_map do |t|
            v = Lib.tp_journey_store_event_field(ptr, t.index, fh)
            [Lib.str(v), t.timestamp] if v && !v.empty?
          end
          next if touches.empty?

          if p.converted
            out.add(touches.map(&:first), conversions: 1, value: p.value, times: touches.map(&:last),
                                          conversion_time: p.end_time)
          else
            out.add(touches.map(&:first), nulls: 1, times: touches.map(&:last))
          end
        end
      rescue StandardError
        out.close
        raise
      end
      out
    end

    # PathCounts of the paths by a field (a mergeable state).
    def path_counts(field = "channel", **options)
      o = JourneySupport.path_options(**options)
      out = Lib.out
      Error.call(:tp_path_counts_compute, ptr, field.to_s, o, out)
      PathCounts.new(out.read_pointer)
    end

    # The touchpoint matrix: rows by a field (default channel), columns by
    # another (default stage; "all": one column).
    def matrix(rows: nil, cols: nil)
      o = Lib.new_struct(Lib::MatrixOptions)
      keep = [Lib.cstr(rows), Lib.cstr(cols)]
      o[:rows] = keep[0] || FFI::Pointer::NULL
      o[:cols] = keep[1] || FFI::Pointer::NULL
      out = Lib.out
      Error.call(:tp_matrix_compute, ptr, o, out)
      keep.clear
      Matrix.new(out.read_pointer)
    end

    # Run a Funnel (or a catalog funnel id) on the store: a FunnelState.
    def funnel(funnel)
      return funnel.run(self) if funnel.is_a?(Funnel)

      f = Funnel.from_catalog(catalog: @catalog, funnel_id: funnel)
      begin
        f.run(self)
      ensure
        f.close
      end
    end

    private

    def event_at(index)
      e = Lib.new_struct(Lib::JourneyEventC)
      Error.check(Lib.tp_journey_store_event(ptr, index, e))
      JourneyEvent.new(
        index: index, customer: Lib.str(Lib.tp_journey_store_customer_id(ptr, e[:customer_number])),
        timestamp: e[:timestamp_ms], event: JourneySupport.str(e[:event]),
        touchpoint: e[:touchpoint].negative? ? nil : @catalog.touchpoints[e[:touchpoint]].id,
        channel: e[:channel].negative? ? nil : @catalog.channels[e[:channel]].id,
        stage: e[:stage].negative? ? nil : @catalog.stages[e[:stage]].id,
        phase: ::Touchpoint.dimension_value_name("phase", e[:phase]),
        channel_group: JourneySupport.str(e[:channel_group]), source: JourneySupport.str(e[:source]),
        medium: JourneySupport.str(e[:medium]), campaign: JourneySupport.str(e[:campaign]),
        value: e[:has_value].zero? ? nil : e[:value], score: e[:has_score].zero? ? nil : e[:score],
        conversion: e[:is_conversion] != 0, session: e[:session], session_start: e[:session_start] != 0
      )
    end

    def add_result(result, attrs, n)
      t = Lib.new_struct(Lib::Touch)
      len = FFI::MemoryPointer.new(:size_t)
      %w[customer_id event channel_group source medium campaign].each do |name|
        p = Lib.tp_result_field(result, ::Touchpoint.field_id(name), len)
        next if p.null?

        t[name.to_sym] = p
        t[:"#{name}_len"] = len.read(:size_t)
      end
      ms = FFI::MemoryPointer.new(:int64)
      st = Lib.tp_result_timestamp(result, ms)
      raise Error.new(st, "the event has no valid timestamp") if st.negative?

      t[:timestamp_ms] = ms.read_int64
      t[:touchpoint] = [Lib.tp_result_touchpoint(result), -1].max
      t[:channel] = [Lib.tp_result_channel(result), -1].max
      t[:stage] = [Lib.tp_result_stage(result), -1].max
      t[:phase] = [Lib.tp_result_dimension(result, ::Touchpoint.dimension_id("phase")), 0].max
      x = FFI::MemoryPointer.new(:double)
      if Lib.tp_result_number(result, ::Touchpoint.field_id("value"), x).zero?
        t[:has_value] = 1
        t[:value] = x.read_double
      end
      if Lib.tp_result_number(result, ::Touchpoint.field_id("score"), x).zero?
        t[:has_score] = 1
        t[:score] = x.read_double
      end
      t[:attrs] = attrs
      t[:n_attrs] = n
      Error.call(:tp_journey_store_add, ptr, t)
    end
  end

  # Distinct paths written in one field's values with their counts: the
  # path table of attribution, as a mergeable state. Enumerable over
  # PathCount.
  class PathCounts < Handle
    include Enumerable

    def initialize(raw)
      super(raw, :tp_path_counts_free)
    end

    # Read counts saved by #save (either format).
    def self.load(data, source: nil)
      JourneySupport.loaded(self, :tp_path_counts_load, data, source)
    end

    # The state as bytes, in the "binary" or "json" format.
    def save(format)
      JourneySupport.saved(:tp_path_counts_save, ptr, format)
    end

    def merge(other)
      Error.call(:tp_path_counts_merge, ptr, other.send(:ptr))
      self
    end

    def field
      Lib.str(Lib.tp_path_counts_field(ptr))
    end

    def size
      Lib.tp_path_counts_count(ptr)
    end
    alias length size

    def each
      return enum_for(:each) unless block_given?

      size.times do |i|
        yield PathCount.new(items: Array.new(Lib.tp_path_counts_length(ptr, i)) { |k| Lib.str(Lib.tp_path_counts_item(ptr, i, k)) },
                            conversions: Lib.tp_path_counts_conversions(ptr, i),
                            nulls: Lib.tp_path_counts_nulls(ptr, i), value: Lib.tp_path_counts_value(ptr, i))
      end
      self
    end

    # [conversions, nulls, value] over all paths.
    def totals
      c = FFI::MemoryPointer.new(:uint64)
      n = FFI::MemoryPointer.new(:uint64)
      v = FFI::MemoryPointer.new(:double)
      Error.check(Lib.tp_path_counts_totals(ptr, c, n, v))
      [c.read_uint64, n.read_uint64, v.read_double]
    end

    # An attribution path set of the non-empty paths.
    def to_paths(by: nil)
      paths = Paths.new(by: by || field)
      each do |row|
        paths.add(row.items, conversions: row.conversions, nulls: row.nulls, value: row.value) unless row.items.empty?
      end
      paths
    end
  end

  # A funnel definition: ordered steps "FIELD=VALUE".
  #
  #   Touchpoint::Funnel.new(["event=open", ["event=purchase", "bought"]],
  #                          window: "7d", mode: "strict_order", count: "attempts",
  #                          breakdown: "channel", breakdown_by: "first_touch")
  class Funnel < Handle
    def initialize(steps = [], exclusions: [], window: nil, mode: nil, count: nil, breakdown: nil,
                   breakdown_by: nil, breakdown_step: 0, raw: nil)
      JourneySupport.need!
      if raw.nil?
        out = Lib.out
        Error.check(Lib.tp_funnel_new(out))
        raw = out.read_pointer
      end
      super(raw, :tp_funnel_free)
      begin
        steps.each { |s| s.is_a?(Array) ? add_step(*s) : add_step(s) }
        exclusions.each { |x| add_exclusion(x) }
        self.window = window unless window.nil?
        self.mode = mode unless mode.nil?
        self.count = count unless count.nil?
        set_breakdown(breakdown, by: breakdown_by, step: breakdown_step) unless breakdown.nil?
      rescue StandardError
        close
        raise
      end
    end

    # A funnel whose steps are a catalog funnel's stages (default: the
    # built-in catalog's seven_stage funnel).
    def self.from_catalog(catalog: nil, funnel_id: nil, **settings)
      JourneySupport.need!
      cat = catalog || Catalog.default
      out = Lib.out
      begin
        Error.call(:tp_funnel_new_from_catalog, cat.send(:ptr), funnel_id&.to_s, out)
      ensure
        cat.close if catalog.nil?
      end
      new(raw: out.read_pointer, **settings)
    end

    def add_step(condition, name = nil)
      Error.call(:tp_funnel_add_step, ptr, condition.to_s, name&.to_s)
      self
    end

    def add_exclusion(condition)
      Error.call(:tp_funnel_add_exclusion, ptr, condition.to_s)
      self
    end

    def window=(window)
      Error.check(Lib.tp_funnel_set_window(ptr, ::Touchpoint.parse_duration(window)))
    end

    def mode=(mode)
      mode = mode.join(",") if mode.is_a?(Array)
      m = mode.is_a?(Integer) ? mode : JourneySupport.parse_enum(:tp_funnel_mode_parse, mode, "funnel mode", :uint)
      Error.check(Lib.tp_funnel_set_mode(ptr, m))
    end

    def count=(count)
      Error.check(Lib.tp_funnel_set_count(ptr, JourneySupport.parse_enum(:tp_funnel_count_parse, count, "funnel count")))
    end

    # Break the results down by a field (nil removes it).
    def set_breakdown(field, by: nil, step: 0)
      a = by.nil? ? 0 : JourneySupport.parse_enum(:tp_funnel_attribution_parse, by, "funnel attribution")
      Error.check(Lib.tp_funnel_set_breakdown(ptr, field&.to_s, a, step))
      self
    end

    def steps
      Array.new(Lib.tp_funnel_step_count(ptr)) { |i| Lib.str(Lib.tp_funnel_step_name(ptr, i)) }
    end

    # Make the store keep the raw attributes the steps test.
    def keep_fields(store)
      Error.check(Lib.tp_funnel_keep_fields(ptr, store.send(:ptr)))
      self
    end

    # Run on a finished JourneyStore: a FunnelState.
    def run(store)
      out = Lib.out
      Error.call(:tp_funnel_run, ptr, store.send(:ptr), out)
      FunnelState.new(out.read_pointer)
    end
  end

  # The result of a funnel, a mergeable state; Enumerable over the
  # FunnelSteps of everyone.
  class FunnelState < Handle
    include Enumerable

    ALL_GROUPS = (1 << (8 * FFI.type_size(:size_t))) - 1 # TP_FUNNEL_ALL_GROUPS, (size_t)-1

    def initialize(raw)
      super(raw, :tp_funnel_state_free)
    end

    def self.load(data, source: nil)
      JourneySupport.loaded(self, :tp_funnel_state_load, data, source)
    end

    # The state as bytes, in the "binary" or "json" format.
    def save(format)
      JourneySupport.saved(:tp_funnel_state_save, ptr, format)
    end

    def merge(other)
      Error.call(:tp_funnel_state_merge, ptr, other.send(:ptr))
      self
    end

    # {"window_ms" =>, "mode" => [flag names], "count" =>}
    def settings
      w = FFI::MemoryPointer.new(:int64)
      m = FFI::MemoryPointer.new(:uint)
      c = FFI::MemoryPointer.new(:int)
      Error.check(Lib.tp_funnel_state_settings(ptr, w, m, c))
      flags = []
      bit = 1
      while (name = Lib.tp_funnel_mode_name(bit))
        flags << Lib.str(name) if m.read_uint & bit != 0
        bit <<= 1
      end
      { "window_ms" => w.read_int64, "mode" => flags, "count" => Lib.str(Lib.tp_funnel_count_name(c.read_int)) }
    end

    def journeys
      Lib.tp_funnel_state_journeys(ptr)
    end

    def breakdown
      s = Lib.tp_funnel_state_breakdown(ptr)
      s && Lib.str(s)
    end

    # Breakdown values (nil for "no value").
    def groups
      Array.new(Lib.tp_funnel_state_group_count(ptr)) do |g|
        s = Lib.tp_funnel_state_group_label(ptr, g)
        s && Lib.str(s)
      end
    end

    # The FunnelSteps of everyone (nil) or of a breakdown group (its number).
    def steps(group = nil)
      g = group.nil? ? ALL_GROUPS : group
      Array.new(Lib.tp_funnel_state_step_count(ptr)) do |i|
        s = Lib.new_struct(Lib::StepStatsC)
        Error.check(Lib.tp_funnel_state_step(ptr, g, i, s))
        tp = FFI::MemoryPointer.new(:pointer)
        n = FFI::MemoryPointer.new(:uint64)
        nxt = Array.new(Lib.tp_funnel_state_next_count(ptr, g, i)) do |r|
          Error.check(Lib.tp_funnel_state_next(ptr, g, i, r, tp, n))
          [JourneySupport.str(tp.read_pointer), n.read_uint64]
        end
        timed = s[:has_times] != 0
        FunnelStep.new(name: JourneySupport.str(s[:name]), condition: Lib.str(Lib.tp_funnel_state_step_condition(ptr, i)),
                       customers: s[:customers], conversion_from_previous: s[:conversion_from_previous],
                       conversion_from_first: s[:conversion_from_first], dropped: s[:dropped],
                       median_seconds_from_previous: timed ? s[:median_seconds_from_previous] : nil,
                       p90_seconds_from_previous: timed ? s[:p90_seconds_from_previous] : nil, next: nxt)
      end
    end

    def each(&block)
      return enum_for(:each) unless block

      steps.each(&block)
      self
    end
  end

  # The touchpoint matrix (channels against stages by default), a
  # mergeable state; Enumerable over its cells, row by row.
  class Matrix < Handle
    include Enumerable

    def initialize(raw)
      super(raw, :tp_matrix_free)
    end

    def self.load(data, source: nil)
      JourneySupport.loaded(self, :tp_matrix_load, data, source)
    end

    # The state as bytes, in the "binary" or "json" format.
    def save(format)
      JourneySupport.saved(:tp_matrix_save, ptr, format)
    end

    def merge(other)
      Error.call(:tp_matrix_merge, ptr, other.send(:ptr))
      self
    end

    def rows_field
      Lib.str(Lib.tp_matrix_rows_field(ptr))
    end

    def cols_field
      Lib.str(Lib.tp_matrix_cols_field(ptr))
    end

    def rows
      Array.new(Lib.tp_matrix_row_count(ptr)) { |i| (s = Lib.tp_matrix_row_label(ptr, i)) && Lib.str(s) }
    end

    def cols
      Array.new(Lib.tp_matrix_col_count(ptr)) { |i| (s = Lib.tp_matrix_col_label(ptr, i)) && Lib.str(s) }
    end

    # A cell by row and column number.
    def cell(row, col)
      c = Lib.new_struct(Lib::MatrixCellC)
      Error.check(Lib.tp_matrix_cell_get(ptr, row, col, c))
      MatrixCell.new(row: (s = Lib.tp_matrix_row_label(ptr, row)) && Lib.str(s),
                     col: (s2 = Lib.tp_matrix_col_label(ptr, col)) && Lib.str(s2),
                     events: c[:events], customers: c[:customers], converted: c[:converted],
                     conversion_rate: c[:conversion_rate], scores: c[:scores], mean_score: c[:mean_score])
    end

    def each
      return enum_for(:each) unless block_given?

      nc = Lib.tp_matrix_col_count(ptr)
      Lib.tp_matrix_row_count(ptr).times { |r| nc.times { |c| yield cell(r, c) } }
      self
    end

    # {row label => {column label => MatrixCell}} without empty cells.
    def to_h
      each_with_object({}) do |cell, h|
        (h[cell.row] ||= {})[cell.col] = cell if cell.events.positive?
      end
    end
  end
end

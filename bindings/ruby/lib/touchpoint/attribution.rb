# SPDX-License-Identifier: MIT
# frozen_string_literal: true

module Touchpoint
  # A distinct path of a path set with its summed counts.
  PathRow = Struct.new(:items, :conversions, :nulls, :value, keyword_init: true)
  # One item's credit under a model (removal effects: Markov only, else nil).
  AttributedItem = Struct.new(:id, :conversions, :value, :share, :removal_effect,
                              :value_removal_effect, keyword_init: true)
  # A transition of a kept Markov chain.
  Transition = Struct.new(:source, :target, :weight, :probability, keyword_init: true)

  # The result of one model on one path set (a snapshot: nothing to free).
  # Enumerable over its items.
  class Attribution
    include Enumerable

    attr_reader :model, :by, :order, :total_conversions, :total_value,
                :conversion_probability, :items, :states, :transitions

    def initialize(**f)
      f.each { |k, v| instance_variable_set("@#{k}", v) }
    end

    def each(&block)
      items.each(&block)
    end

    # The item with this id; KeyError when absent.
    def [](id)
      items.find { |i| i.id == id } or raise KeyError, "no item #{id.inspect}"
    end

    def self.from_c(a)
      nan_nil = ->(x) { x.nan? ? nil : x }
      items = Array.new(Lib.tp_attribution_item_count(a)) do |i|
        AttributedItem.new(id: Lib.str(Lib.tp_attribution_item_id(a, i)),
                           conversions: Lib.tp_attribution_conversions(a, i),
                           value: Lib.tp_attribution_value(a, i),
                           share: Lib.tp_attribution_share(a, i),
                           removal_effect: nan_nil.call(Lib.tp_attribution_removal_effect(a, i)),
                           value_removal_effect: nan_nil.call(Lib.tp_attribution_value_removal_effect(a, i)))
      end
      states = Array.new(Lib.tp_attribution_state_count(a)) { |i| Lib.str(Lib.tp_attribution_state_name(a, i)) }
      f = FFI::MemoryPointer.new(:size_t)
      t = FFI::MemoryPointer.new(:size_t)
      w = FFI::MemoryPointer.new(:double)
      p = FFI::MemoryPointer.new(:double)
      transitions = Array.new(Lib.tp_attribution_transition_count(a)) do |i|
        Error.check(Lib.tp_attribution_transition(a, i, f, t, w, p))
        Transition.new(source: states[f.read(:size_t)], target: states[t.read(:size_t)],
                       weight: w.read_double, probability: p.read_double)
      end
      new(model: Lib.str(Lib.tp_attribution_model_name(Lib.tp_attribution_get_model(a))),
          by: Lib.str(Lib.tp_attribution_by_name(Lib.tp_attribution_get_by(a))),
          order: Lib.tp_attribution_get_order(a),
          total_conversions: Lib.tp_attribution_total_conversions(a),
          total_value: Lib.tp_attribution_total_value(a),
          conversion_probability: nan_nil.call(Lib.tp_attribution_conversion_probability(a)),
          items: items, states: states, transitions: transitions)
    end
  end

  # A path set: distinct paths to conversion with their conversions,
  # non-conversions (nulls) and value. +by+ says what the items are
  # ("channel", "channel_group", "touchpoint", "stage", "source").
  # Enumerable over its PathRows.
  class Paths < Handle
    include Enumerable

    def initialize(by: "channel", raw: nil)
      if raw.nil?
        out = Lib.out
        Error.check(Lib.tp_paths_new(self.class.by_value(by), out))
        raw = out.read_pointer
      end
      super(raw, :tp_paths_free)
    end

    # Yield a new path set and free it afterwards; the block's value.
    def self.open(by: "channel", &block)
      block_close(new(by: by), &block)
    end

    # Read a path table (CSV: path,conversions,nulls,value; paths written
    # "a > b > c"). Every faulty record is in the raised Error's #errors.
    def self.load_csv(path, by: "channel", **columns, &block)
      opts, keep = table_options(by, columns)
      out = Lib.out
      Error.call(:tp_paths_load_csv_file, path.to_s, opts, out)
      keep.clear
      block_close(new(raw: out.read_pointer), &block)
    end

    # Read a path table from text; see load_csv.
    def self.parse_csv(text, source: nil, by: "channel", **columns, &block)
      opts, keep = table_options(by, columns)
      buf = FFI::MemoryPointer.from_string(text)
      out = Lib.out
      Error.call(:tp_paths_load_csv_string, buf, text.bytesize, source, opts, out)
      keep.clear
      block_close(new(raw: out.read_pointer), &block)
    end

    # Add a path: item names (or ids from #intern), counts and value.
    # +times+ (one per touch: milliseconds, timestamps or Times) and
    # +conversion_time+ make it a timed path, which time decay needs.
    def add(items, conversions: 0.0, nulls: 0.0, value: 0.0, times: nil, conversion_time: nil)
      items = items.to_a
      p = Lib.new_struct(Lib::Path)
      p[:n_items] = items.size
      keep = []
      if !items.empty? && items.all?(Integer)
        ids = FFI::MemoryPointer.new(:uint32, items.size)
        ids.write_array_of_uint32(items)
        p[:item_ids] = ids
        keep << ids
      else
        names = items.map { |i| Lib.cstr(i) }
        arr = FFI::MemoryPointer.new(:pointer, [names.size, 1].max)
        arr.write_array_of_pointer(names) unless names.empty?
        p[:items] = arr
        keep << arr << names
      end
      unless times.nil?
        raise ArgumentError, "one time per touch: #{items.size} items, #{times.size} times" if times.size != items.size

        t = FFI::MemoryPointer.new(:int64, [times.size, 1].max)
        t.write_array_of_int64(times.map { |x| self.class.ms(x) })
        p[:times] = t
        keep << t
        p[:conversion_time] = self.class.ms(conversion_time) unless conversion_time.nil?
      end
      p[:conversions] = conversions.to_f
      p[:nulls] = nulls.to_f
      p[:value] = value.to_f
      Error.call(:tp_paths_add, ptr, p)
      keep.clear
      self
    end

    # The id of an item name, added when new.
    def intern(name)
      name = name.to_s
      buf = FFI::MemoryPointer.from_string(name)
      id = FFI::MemoryPointer.new(:uint32)
      Error.check(Lib.tp_paths_intern(ptr, buf, name.bytesize, id))
      id.read_uint32
    end

    # Add every path of another path set to this one.
    def merge(other)
      Error.check(Lib.tp_paths_merge(ptr, other.send(:ptr)))
      self
    end

    def by
      Lib.str(Lib.tp_attribution_by_name(Lib.tp_paths_by(ptr)))
    end

    # Distinct paths.
    def size
      Lib.tp_paths_count(ptr)
    end
    alias length size

    def row_count
      Lib.tp_paths_row_count(ptr)
    end

    # True when every converting path carries times.
    def timed?
      Lib.tp_paths_timed(ptr) == 1
    end

    # Item names in id order.
    def items
      Array.new(Lib.tp_paths_item_count(ptr)) { |i| Lib.str(Lib.tp_paths_item_name(ptr, i)) }
    end

    # The id of an item; KeyError when absent.
    def find_item(name)
      i = Lib.tp_paths_find_item(ptr, name.to_s)
      raise KeyError, "no item #{name.inspect}" if i.negative?

      i
    end

    def each
      return enum_for(:each) unless block_given?

      names = items
      Lib.tp_paths_count(ptr).times do |k|
        yield PathRow.new(items: Array.new(Lib.tp_paths_path_length(ptr, k)) { |j| names[Lib.tp_paths_path_item(ptr, k, j)] },
                          conversions: Lib.tp_paths_path_conversions(ptr, k),
                          nulls: Lib.tp_paths_path_nulls(ptr, k),
                          value: Lib.tp_paths_path_value(ptr, k))
      end
      self
    end

    def total_conversions
      Lib.tp_paths_total_conversions(ptr)
    end

    def total_nulls
      Lib.tp_paths_total_nulls(ptr)
    end

    def total_value
      Lib.tp_paths_total_value(ptr)
    end

    # Run a model (a name from ::Touchpoint.attribution_models) and return
    # an Attribution. Options: excluded (last_non_direct), half_life
    # (time_decay: milliseconds or text such as "7d"), first_share,
    # last_share (position), order, transitions (markov).
    def attribute(model, excluded: nil, half_life: nil, first_share: nil, last_share: nil,
                  order: nil, transitions: false)
      opts, keep = self.class.attribution_options(excluded, half_life, first_share, last_share,
                                                  order, transitions)
      out = Lib.out
      Error.call(:tp_attribution_compute, ptr, self.class.model_value(model), opts, out)
      keep.clear
      a = out.read_pointer
      begin
        Attribution.from_c(a)
      ensure
        Lib.tp_attribution_free(a)
      end
    end

    # Run several models (default: every model that can run on this path
    # set) and return {name => Attribution}.
    def attribute_all(models = nil, **options)
      return models.to_h { |m| [m.to_s, attribute(m, **options)] } if models

      ::Touchpoint.attribution_models.each_with_object({}) do |m, h|
        h[m] = attribute(m, **options)
      rescue Error => e
        raise unless e.name == "TP_EEMPTY"
      end
    end

    class << self
      def by_value(by)
        return by if by.is_a?(Integer)

        out = FFI::MemoryPointer.new(:int)
        st = Lib.tp_attribution_by_parse(by.to_s, out)
        raise Error.new(st, "unknown path dimension #{by.inspect}") if st.negative?

        out.read_int
      end

      def model_value(model)
        return model if model.is_a?(Integer)

        out = FFI::MemoryPointer.new(:int)
        st = Lib.tp_attribution_model_parse(model.to_s, out)
        raise Error.new(st, "unknown attribution model #{model.inspect}") if st.negative?

        out.read_int
      end

      def ms(t)
        case t
        when Integer then t
        when Time then (t.to_r * 1000).floor
        else ::Touchpoint.parse_timestamp(t)
        end
      end

      def table_options(by, columns)
        o = Lib.new_struct(Lib::PathTableOptions)
        keep = []
        columns.each do |k, v|
          raise ArgumentError, "unknown option #{k}" unless %i[separator path_column conversions_column
                                                             nulls_column value_column].include?(k)

          keep << (o[k] = Lib.cstr(v))
        end
        o[:by] = by_value(by)
        [o, keep]
      end

      def attribution_options(excluded, half_life, first_share, last_share, order, transitions)
        return [nil, []] if [excluded, half_life, first_share, last_share, order].all?(&:nil?) && !transitions

        o = Lib.new_struct(Lib::AttributionOptions)
        keep = [Lib.cstr(excluded)]
        # The defaults of TP_ATTRIBUTION_OPTIONS_INIT: an _INIT macro cannot
        # be called through FFI, so they are repeated here.
        o[:excluded] = keep[0] || FFI::Pointer::NULL
        o[:half_life_ms] = half_life.nil? ? 7 * 24 * 3600 * 1000 : ::Touchpoint.parse_duration(half_life)
        o[:first_share] = first_share.nil? ? 0.4 : first_share.to_f
        o[:last_share] = last_share.nil? ? 0.4 : last_share.to_f
        o[:order] = order.nil? ? 1 : order
        o[:transitions] = transitions ? 1 : 0
        [o, keep]
      end
    end
  end
end

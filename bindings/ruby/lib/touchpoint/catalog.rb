# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require "json"

module Touchpoint
  # An immutable catalog: channels, touchpoints, funnel stages, funnels.
  # Get one with Catalog.default, Catalog.load, Catalog.parse or a
  # CatalogBuilder. Given a block, these yield the catalog and close it.
  class Catalog < Handle
    # A channel: the medium of a contact (e-mail, physical store...).
    Channel = Struct.new(:index, :id, :name, :kind, keyword_init: true)
    # A funnel stage and the phase it belongs to.
    Stage = Struct.new(:index, :id, :name, :phase, keyword_init: true)
    # A funnel: an ordered list of stage ids.
    Funnel = Struct.new(:index, :id, :name, :stages, keyword_init: true)

    # A touchpoint: a moment of contact with its channel, default stage
    # and dimensions. Every dimension is also a method: t.initiator.
    Touchpoint = Struct.new(:index, :id, :name, :channel, :stage, :dimensions, keyword_init: true) do
      def method_missing(name, *args)
        key = name.to_s
        return dimensions[key] if args.empty? && dimensions&.key?(key)

        super
      end

      def respond_to_missing?(name, include_private = false)
        dimensions&.key?(name.to_s) || super
      end
    end

    def initialize(raw)
      super(raw, :tp_catalog_free)
      @cache = {}
    end

    # The built-in default catalog (no file is read).
    def self.default(&block)
      out = Lib.out
      Error.call(:tp_catalog_default, out)
      block_close(new(out.read_pointer), &block)
    end

    # Load a catalog from a JSON file; faults raise Error with file, line,
    # column and JSON path.
    def self.load(path, &block)
      out = Lib.out
      Error.call(:tp_catalog_load_file, path.to_s, out)
      block_close(new(out.read_pointer), &block)
    end

    # Load a catalog from JSON text (or a Hash written as JSON first).
    def self.parse(text, source: nil, &block)
      text = JSON.generate(text) if text.is_a?(Hash)
      buf = FFI::MemoryPointer.from_string(text)
      out = Lib.out
      Error.call(:tp_catalog_load_string, buf, text.bytesize, source, out)
      block_close(new(out.read_pointer), &block)
    end

    # The catalog as JSON text in the catalog format.
    def to_json(*_args)
      out = Lib.out
      len = FFI::MemoryPointer.new(:size_t)
      Error.check(Lib.tp_catalog_save_string(ptr, out, len))
      p = out.read_pointer
      begin
        p.read_bytes(len.read(:size_t)).force_encoding(Encoding::UTF_8)
      ensure
        Lib.tp_free(p)
      end
    end

    # The catalog as a Hash in the catalog format.
    def to_h
      JSON.parse(to_json)
    end

    # Write the catalog as JSON to a file, replacing it.
    def save(path)
      Error.call(:tp_catalog_save_file, ptr, path.to_s)
      self
    end

    def ==(other)
      other.is_a?(Catalog) && Lib.tp_catalog_equal(ptr, other.ptr) == 1
    end

    # Every channel, in catalog order.
    def channels
      @cache[:channels] ||= begin
        kind = ::Touchpoint.dimension_id("kind")
        Array.new(Lib.tp_catalog_channel_count(ptr)) do |i|
          Channel.new(index: i, id: Lib.str(Lib.tp_catalog_channel_id(ptr, i)),
                      name: Lib.str(Lib.tp_catalog_channel_name(ptr, i)),
                      kind: ::Touchpoint.dimension_value_name(kind, Lib.tp_catalog_channel_kind(ptr, i))).freeze
        end.freeze
      end
    end

    # Every funnel stage, in catalog order.
    def stages
      @cache[:stages] ||= begin
        phase = ::Touchpoint.dimension_id("phase")
        Array.new(Lib.tp_catalog_stage_count(ptr)) do |i|
          Stage.new(index: i, id: Lib.str(Lib.tp_catalog_stage_id(ptr, i)),
                    name: Lib.str(Lib.tp_catalog_stage_name(ptr, i)),
                    phase: ::Touchpoint.dimension_value_name(phase, Lib.tp_catalog_stage_phase(ptr, i))).freeze
        end.freeze
      end
    end

    # Every touchpoint, in catalog order.
    def touchpoints
      @cache[:touchpoints] ||= begin
        dims = ::Touchpoint.dimensions.keys.map { |n| [n, ::Touchpoint.dimension_id(n)] }
        Array.new(Lib.tp_catalog_touchpoint_count(ptr)) do |i|
          st = Lib.tp_catalog_touchpoint_stage(ptr, i)
          d = dims.to_h do |name, id|
            [name, ::Touchpoint.dimension_value_name(id, Lib.tp_catalog_touchpoint_dimension(ptr, i, id))]
          end
          Touchpoint.new(index: i, id: Lib.str(Lib.tp_catalog_touchpoint_id(ptr, i)),
                         name: Lib.str(Lib.tp_catalog_touchpoint_name(ptr, i)),
                         channel: channels[Lib.tp_catalog_touchpoint_channel(ptr, i)].id,
                         stage: st.negative? ? nil : stages[st].id,
                         dimensions: d.freeze).freeze
        end.freeze
      end
    end

    # Every funnel, in catalog order.
    def funnels
      @cache[:funnels] ||= Array.new(Lib.tp_catalog_funnel_count(ptr)) do |i|
        ids = Array.new(Lib.tp_catalog_funnel_stage_count(ptr, i)) do |k|
          stages[Lib.tp_catalog_funnel_stage(ptr, i, k)].id
        end
        Funnel.new(index: i, id: Lib.str(Lib.tp_catalog_funnel_id(ptr, i)),
                   name: Lib.str(Lib.tp_catalog_funnel_name(ptr, i)), stages: ids.freeze).freeze
      end.freeze
    end

    # The channel with this id; KeyError when there is none.
    def channel(id)
      find(:tp_catalog_find_channel, channels, id, "channel")
    end

    # The touchpoint with this id; KeyError when there is none.
    def touchpoint(id)
      find(:tp_catalog_find_touchpoint, touchpoints, id, "touchpoint")
    end

    # The stage with this id; KeyError when there is none.
    def stage(id)
      find(:tp_catalog_find_stage, stages, id, "stage")
    end

    # The funnel with this id; KeyError when there is none.
    def funnel(id)
      find(:tp_catalog_find_funnel, funnels, id, "funnel")
    end

    # Iterate the touchpoints (with a block) or return an Enumerator.
    def each_touchpoint(&block)
      return enum_for(:each_touchpoint) unless block

      touchpoints.each(&block)
      self
    end

    # The touchpoints whose default stage is +stage+ (nil: without one).
    def touchpoints_of_stage(stage)
      touchpoints.select { |t| t.stage == stage }
    end

    def inspect
      return "#<Touchpoint::Catalog (closed)>" if closed?

      "#<Touchpoint::Catalog #{channels.size} channels, #{touchpoints.size} touchpoints, " \
        "#{stages.size} stages, #{funnels.size} funnels>"
    end

    private

    def find(fn, items, id, what)
      i = Lib.send(fn, ptr, id.to_s)
      raise KeyError, "no #{what} #{id.inspect} in the catalog" if i.negative?

      items[i]
    end
  end

  # Build a catalog in code. Dimension values are given by name; every
  # fault is reported by #finish with the JSON path the item would have.
  class CatalogBuilder < Handle
    TOUCHPOINT_DIMENSIONS = Lib::TouchpointDef.members.drop(5).map(&:to_s).freeze

    def initialize
      out = Lib.out
      Error.check(Lib.tp_catalog_builder_new(out))
      super(out.read_pointer, :tp_catalog_builder_free)
    end

    # Yield a new builder, finish it and free it: the Catalog.
    def self.build
      b = new
      begin
        yield b
        b.finish
      ensure
        b.close
      end
    end

    def add_channel(id, name = nil, kind: "unknown")
      d = Lib.new_struct(Lib::ChannelDef)
      keep = [Lib.cstr(id), Lib.cstr(name)]
      d[:id], d[:name] = keep
      d[:kind] = ::Touchpoint.dimension_value("kind", kind)
      Error.check(Lib.tp_catalog_builder_add_channel(ptr, d))
      self
    end

    def add_stage(id, name = nil, phase: "unknown")
      d = Lib.new_struct(Lib::StageDef)
      keep = [Lib.cstr(id), Lib.cstr(name)]
      d[:id], d[:name] = keep
      d[:phase] = ::Touchpoint.dimension_value("phase", phase)
      Error.check(Lib.tp_catalog_builder_add_stage(ptr, d))
      self
    end

    # Keyword arguments set the dimensions (phase, initiator,
    # personalization, intent, control, agent, business_model) by name.
    def add_touchpoint(id, channel, name = nil, stage: nil, **dims)
      d = Lib.new_struct(Lib::TouchpointDef)
      keep = [Lib.cstr(id), Lib.cstr(name), Lib.cstr(channel), Lib.cstr(stage)]
      d[:id], d[:name], d[:channel], d[:stage] = keep
      dims.each do |k, v|
        raise ArgumentError, "unknown dimension #{k.inspect}" unless TOUCHPOINT_DIMENSIONS.include?(k.to_s)

        d[k.to_sym] = ::Touchpoint.dimension_value(k.to_s, v)
      end
      Error.check(Lib.tp_catalog_builder_add_touchpoint(ptr, d))
      self
    end

    def add_funnel(id, stages, name = nil)
      keep = stages.map { |s| Lib.cstr(s) }
      arr = FFI::MemoryPointer.new(:pointer, [keep.size, 1].max)
      arr.write_array_of_pointer(keep) unless keep.empty?
      Error.check(Lib.tp_catalog_builder_add_funnel(ptr, id.to_s, name&.to_s, arr, keep.size))
      self
    end

    # Validate and return the Catalog; the builder is emptied for reuse.
    def finish
      out = Lib.out
      Error.call(:tp_catalog_builder_finish, ptr, out)
      Catalog.new(out.read_pointer)
    end
  end
end

# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require "json"

module Touchpoint
  # A compiled rule set (docs/rules.md). Compile errors raise Error, one
  # entry per fault, each with file, line, column and JSON path.
  class RuleSet < Handle
    attr_reader :catalog

    def initialize(raw, catalog)
      super(raw, :tp_ruleset_free)
      @catalog = catalog
    end

    # A built-in rule set (see RuleSet.builtin_names).
    def self.builtin(name, catalog: nil, &block)
      with_catalog(catalog) do |cat|
        out = Lib.out
        Error.call(:tp_ruleset_builtin, cat.send(:ptr), name.to_s, out)
        out.read_pointer
      end.then { |rs| block_close(rs, &block) }
    end

    # Compile a JSON rule file against a catalog (default: built-in).
    def self.compile_file(path, catalog: nil, &block)
      with_catalog(catalog) do |cat|
        out = Lib.out
        Error.call(:tp_ruleset_compile_file, cat.send(:ptr), path.to_s, out)
        out.read_pointer
      end.then { |rs| block_close(rs, &block) }
    end

    # Compile rules from JSON text (or a Hash); +source+ names it in errors.
    def self.compile(text, source: nil, catalog: nil, &block)
      text = JSON.generate(text) if text.is_a?(Hash)
      buf = FFI::MemoryPointer.from_string(text)
      with_catalog(catalog) do |cat|
        out = Lib.out
        Error.call(:tp_ruleset_compile_string, cat.send(:ptr), buf, text.bytesize, source, out)
        out.read_pointer
      end.then { |rs| block_close(rs, &block) }
    end

    # A RuleSet of the raw object the block compiles against +catalog+, or
    # against a default catalog that the rule set then owns.
    def self.with_catalog(catalog)
      cat = catalog || Catalog.default
      raw = begin
        yield cat
      rescue StandardError
        cat.close if catalog.nil?
        raise
      end
      rs = new(raw, cat)
      rs.send(:own, cat) if catalog.nil?
      rs
    end
    private_class_method :with_catalog

    # The names of the built-in rule sets, from the library.
    def self.builtin_names
      out = []
      i = 0
      while (n = Lib.tp_ruleset_builtin_name(i))
        out << Lib.str(n)
        i += 1
      end
      out
    end

    # The JSON source of a built-in rule set; KeyError when unknown.
    def self.builtin_source(name)
      len = FFI::MemoryPointer.new(:size_t)
      p = Lib.tp_ruleset_builtin_source(name.to_s, len)
      raise KeyError, "no built-in rule set #{name.inspect}" if p.null?

      p.read_bytes(len.read(:size_t)).force_encoding(Encoding::UTF_8)
    end

    def name
      Lib.str(Lib.tp_ruleset_name(ptr))
    end

    # The number of rules over all groups.
    def size
      Lib.tp_ruleset_rule_count(ptr)
    end
    alias length size

    # Bytes held by the compiled rule set.
    def memory
      Lib.tp_ruleset_memory(ptr)
    end
  end

  # What the referrer database says about a URL.
  Referrer = Struct.new(:known, :medium, :source, :term, :term_truncated, keyword_init: true)

  # A referrer database (docs/referrers.md).
  class RefDB < Handle
    def initialize(raw)
      super(raw, :tp_refdb_free)
    end

    # The built-in database (Matomo's lists).
    def self.default(&block)
      out = Lib.out
      Error.call(:tp_refdb_default, out)
      block_close(new(out.read_pointer), &block)
    end

    # Load and merge files in Snowplow's referers JSON format, in order; a
    # nil entry stands for the built-in database.
    def self.load(paths, &block)
      paths = [paths] unless paths.is_a?(Array)
      keep = paths.map { |p| p.nil? ? nil : Lib.cstr(p.to_s) }
      arr = FFI::MemoryPointer.new(:pointer, [keep.size, 1].max)
      keep.each_with_index { |p, i| arr.put_pointer(i * FFI::Pointer.size, p || FFI::Pointer::NULL) }
      out = Lib.out
      Error.call(:tp_refdb_load_files, arr, keep.size, out)
      block_close(new(out.read_pointer), &block)
    end

    # Load a database from JSON text (or a Hash).
    def self.parse(text, source: nil, &block)
      text = JSON.generate(text) if text.is_a?(Hash)
      buf = FFI::MemoryPointer.from_string(text)
      out = Lib.out
      Error.call(:tp_refdb_load_string, buf, text.bytesize, source, out)
      block_close(new(out.read_pointer), &block)
    end

    # Entries: distinct (domain, path) pairs.
    def size
      Lib.tp_refdb_count(ptr)
    end
    alias length size

    def source_count
      Lib.tp_refdb_source_count(ptr)
    end

    # Look a referrer URL up. A URL that is not one raises Error
    # (TP_ESYNTAX); an unknown site gives known == false.
    def lookup(url)
      url = url.to_s
      buf = FFI::MemoryPointer.from_string(url)
      term = FFI::MemoryPointer.new(:char, 1024)
      info = Lib.new_struct(Lib::ReferrerInfo)
      Error.check(Lib.tp_refdb_lookup(ptr, buf, url.bytesize, term, term.size, info))
      Referrer.new(known: info[:known] == 1, medium: ::Touchpoint.referrer_media[info[:medium]],
                   source: info[:source].null? ? nil : Lib.str(info[:source].read_string),
                   term: Lib.counted(info[:term], info[:term_len]),
                   term_truncated: info[:term_truncated] == 1)
    end
  end

  # Parses one JSON object (an NDJSON line) into flat attributes, as
  # `touchpoint classify` reads its input.
  class Reader < Handle
    def initialize(max_bytes: nil)
      out = Lib.out
      Error.check(Lib.tp_reader_new(out))
      super(out.read_pointer, :tp_reader_free)
      Error.check(Lib.tp_reader_set_max_bytes(ptr, max_bytes)) if max_bytes
    end

    # The attributes of one line as [key, value] pairs. A refused line
    # raises Error with source, line and column.
    def parse(line, source: nil, line_number: 0)
      Error.with_error do |err|
        _keep, attrs, n = parse_raw(line, source, line_number, err)
        Array.new(n) do |i|
          a = Lib::Attr.new(attrs + i * Lib::Attr.size)
          [Lib.counted(a[:key], a[:key_len]) || "", Lib.counted(a[:value], a[:value_len]) || ""]
        end
      end
    end

    # True when the last line parsed was {}.
    def empty_object?
      Lib.tp_reader_empty_object(ptr) == 1
    end

    # (internal) Parse into the reader's views: [buffer, attrs, count].
    def parse_raw(line, source, line_number, err)
      buf = FFI::MemoryPointer.from_string(line)
      st = Lib.tp_reader_parse(ptr, buf, line.bytesize, source, line_number, err)
      raise Error.from_tp_error(st, err) if st.negative?

      n = FFI::MemoryPointer.new(:size_t)
      attrs = Lib.tp_reader_attrs(ptr, n)
      [buf, attrs, n.read(:size_t)]
    end

    # (internal) The reader's object, for the classifier.
    def raw
      ptr
    end
  end

  # Everything the classifier said about one event: +tp+ is the Hash that
  # Classifier#classify returns; the others give every field, dimension
  # and label by the names the library uses.
  Classification = Struct.new(:tp, :fields, :dimensions, :labels, :timestamp, :value, :score,
                              keyword_init: true) do
    # A field, dimension or label by name.
    def [](name)
      return super if name.is_a?(Symbol) && members.include?(name)

      key = name.to_s
      [fields, dimensions, labels].each { |h| return h[key] if h.key?(key) }
      nil
    end
  end

  # Raw events in, typed touchpoints out.
  #
  #   Touchpoint::Classifier.new                         # rules: "default"
  #   Touchpoint::Classifier.new(rules: ["ga4", "my-rules.json"],
  #                              catalog: "catalog.json",
  #                              refdb: ["referers.json"],
  #                              field_map: {"utm_source" => "src"},
  #                              internal_domains: ["example.com"])
  #
  # cache_size: the size of each result object's memo of recent
  # classifications (tp_result_set_cache_size()), in KiB of memory, each
  # holding two to three events; 0 turns the memo off; at most 2**24;
  # nil keeps the library's 8,192.
  # The outputs are the same either way.
  #
  # Classifier.open takes the same options, yields the classifier and
  # closes it. Once built, a classifier may be used from several threads.
  class Classifier < Handle
    attr_reader :catalog

    def self.open(**options)
      c = new(**options)
      return c unless block_given?

      begin
        yield c
      ensure
        c.close
      end
    end

    def initialize(rules: "default", catalog: nil, refdb: nil, field_map: nil, internal_domains: [],
                   cache_size: nil)
      unless cache_size.nil?
        raise TypeError, "cache_size: an Integer, not #{cache_size.inspect}" unless cache_size.is_a?(Integer)
        raise ArgumentError, "cache_size: #{cache_size} is not between 0 and 2**24" unless cache_size.between?(0, 1 << 24)
      end
      @cache_size = cache_size
      rules = [rules] unless rules.is_a?(Array)
      compiled = rules.grep(RuleSet)
      owned = nil
      catalog = if catalog.nil?
                  compiled.empty? ? (owned = Catalog.default) : compiled.first.catalog
                elsif catalog.is_a?(Catalog)
                  catalog
                else
                  owned = Catalog.load(catalog)
                end
      @catalog = catalog
      out = Lib.out
      begin
        Error.call(:tp_classifier_new, catalog.send(:ptr), out)
      rescue StandardError
        owned&.close
        raise
      end
      super(out.read_pointer, :tp_classifier_free)
      own(owned) if owned
      @lock = Mutex.new
      @session = nil
      begin
        configure(rules, refdb, field_map, internal_domains)
      rescue StandardError
        close
        raise
      end
    end

    def close
      @session&.close
      @session = nil
      super
    end

    # Classify one event (a Hash; keys may be symbols; numbers, booleans,
    # arrays and nested hashes are read as `touchpoint classify` reads
    # JSON) and return the command's "tp" object as a Hash: source,
    # medium, campaign, channel_group, channel, touchpoint, stage, phase,
    # rule and referrer {known, medium, source, term}, absent when unknown.
    def classify(event)
      locked(event, &:json)
    end

    # Classify one event and return a Classification.
    def classify_details(event)
      locked(event) { |s| details(s) }
    end

    # Classify each event: yields each "tp" Hash to the block, or returns
    # a lazy Enumerator. Each run has its own result object.
    def classify_many(events)
      return enum_for(:classify_many, events) unless block_given?

      session = Session.new(@cache_size)
      begin
        events.each do |event|
          keep, = run(session, event)
          yield session.json
          keep.clear
        end
      ensure
        session.close
      end
      self
    end

    # Classify an NDJSON file as `touchpoint classify` does: yields (or
    # enumerates) each input object with a "tp" member added. Blank lines
    # are skipped. A refused line raises Error (file, line, column), or,
    # with +on_reject+ (a callable), is handed to it and skipped.
    def classify_file(path, on_reject: nil, max_line_bytes: nil)
      return enum_for(:classify_file, path, on_reject: on_reject, max_line_bytes: max_line_bytes) unless block_given?

      each_line(path, on_reject, max_line_bytes) do |session, _attrs, _n, line, _lineno|
        obj = JSON.parse(line.force_encoding(Encoding::UTF_8))
        obj["tp"] = session.json
        yield obj
      end
      self
    end

    # (internal) Classify an event and yield (session, attrs, n) while
    # the attributes are alive.
    def with_attrs(event)
      @lock.synchronize do
        ptr
        @session ||= Session.new(@cache_size)
        keep, attrs, n = run(@session, event)
        r = yield @session, attrs, n
        keep.clear
        r
      end
    end

    # (internal) Yield (session, attrs, n, line, lineno) for each
    # classified line of an NDJSON file.
    def each_line(path, on_reject, max_line_bytes = nil)
      session = Session.new(@cache_size)
      session.reader = Reader.new(max_bytes: max_line_bytes)
      begin
        Error.with_error do |err|
          File.open(path, "rb") do |f|
            f.each_line.with_index(1) do |line, lineno|
              line = line.chomp("\n")
              next if line.delete(" \t\r").empty?

              Lib.tp_error_clear(err)
              begin
                _keep, attrs, n = session.reader.parse_raw(line, path.to_s, lineno, err)
              rescue Error => e
                raise if on_reject.nil?

                on_reject.call(e)
                next
              end
              Error.check(Lib.tp_classify(ptr, attrs, n, session.result))
              yield session, attrs, n, line, lineno
            end
          end
        end
      ensure
        session.close
      end
    end

    def inspect
      "#<Touchpoint::Classifier#{closed? ? ' (closed)' : ''}>"
    end

    # One tp_result (and reader) with a reusable JSON buffer; one thread
    # at a time. (internal)
    class Session
      attr_reader :result
      attr_accessor :reader

      def initialize(cache_size = nil)
        out = Lib.out
        Error.check(Lib.tp_result_new(out))
        @result = out.read_pointer
        @buf = FFI::MemoryPointer.new(:char, 1024)
        @reader = nil
        return if cache_size.nil?

        begin
          Error.check(Lib.tp_result_set_cache_size(@result, cache_size))
        rescue StandardError
          close
          raise
        end
      end

      def close
        Lib.tp_result_free(@result) if @result
        @result = nil
        @reader&.close
        @reader = nil
      end

      def json
        n = Error.check(Lib.tp_result_json(@result, @buf, @buf.size))
        if n >= @buf.size
          @buf = FFI::MemoryPointer.new(:char, n + 1)
          Error.check(Lib.tp_result_json(@result, @buf, @buf.size))
        end
        JSON.parse(@buf.read_bytes(n).force_encoding(Encoding::UTF_8))
      end
    end

    private

    def configure(rules, refdb, field_map, internal_domains)
      unless refdb.nil?
        db = refdb.is_a?(RefDB) ? refdb : RefDB.load(refdb)
        begin
          Error.check(Lib.tp_classifier_set_refdb(ptr, db.send(:ptr)))
        ensure
          db.close unless db.equal?(refdb)
        end
      end
      if field_map.is_a?(Hash)
        field_map.each do |canonical, attribute|
          st = Lib.tp_classifier_map_field(ptr, canonical.to_s, attribute.to_s)
          raise Error.new(st, "field map: #{canonical} -> #{attribute}: #{::Touchpoint.strerror(st)}") if st.negative?
        end
      elsif field_map
        Error.call(:tp_classifier_load_field_map, ptr, field_map.to_s)
      end
      Array(internal_domains).each do |d|
        Error.check(Lib.tp_classifier_add_internal_domain(ptr, d.to_s))
      end
      rules.each do |r|
        if r.is_a?(RuleSet)
          st = Lib.tp_classifier_add_rules(ptr, r.send(:ptr))
          next unless st.negative?

          hint = ::Touchpoint.status_name(st) == "TP_EMISMATCH" ? " (it was compiled against another catalog)" : ""
          raise Error.new(st, "rule set #{r.name.inspect}: #{::Touchpoint.strerror(st)}#{hint}")
        else
          Error.call(:tp_classifier_add_rules_named, ptr, r.to_s)
        end
      end
    end

    def locked(event)
      @lock.synchronize do
        ptr
        @session ||= Session.new(@cache_size)
        keep, = run(@session, event)
        r = yield @session
        keep.clear
        r
      end
    end

    # Classify +event+ into the session's result; returns [keep, attrs, n]:
    # the memory the attributes live in, to keep until the result has been
    # read, and the attributes.
    def run(session, event)
      raise TypeError, "an event is a Hash, not #{event.class}" unless event.is_a?(Hash)

      keep = []
      if event.each_value.all? { |v| v.is_a?(String) }
        attrs = FFI::MemoryPointer.new(Lib::Attr, [event.size, 1].max)
        event.each_with_index do |(k, v), i|
          raise TypeError, "event keys are strings or symbols, not #{k.class}" unless k.is_a?(String) || k.is_a?(Symbol)

          kb = k.to_s
          a = Lib::Attr.new(attrs + i * Lib::Attr.size)
          keep << (kp = FFI::MemoryPointer.from_string(kb)) << (vp = FFI::MemoryPointer.from_string(v))
          a[:key] = kp
          a[:key_len] = kb.bytesize
          a[:value] = vp
          a[:value_len] = v.bytesize
        end
        keep << attrs
        Error.check(Lib.tp_classify(ptr, attrs, event.size, session.result))
        [keep, attrs, event.size]
      else
        session.reader ||= Reader.new
        Error.with_error do |err|
          buf, attrs, n = session.reader.parse_raw(JSON.generate(event), "<event>", 0, err)
          keep << buf
          Error.check(Lib.tp_classify(ptr, attrs, n, session.result))
          [keep, attrs, n]
        end
      end
    end

    def details(session)
      r = session.result
      len = FFI::MemoryPointer.new(:size_t)
      fields = {}
      ::Touchpoint.fields.each_with_index do |name, i|
        p = Lib.tp_result_field(r, i + 1, len)
        fields[name] = Lib.counted(p, len.read(:size_t)) unless p.null?
      end
      dims = {}
      ::Touchpoint.dimensions.each_with_index do |(name, values), i|
        v = Lib.tp_result_dimension(r, i + 1)
        dims[name] = v >= 0 && v < values.size ? values[v] : values[0]
      end
      labels = {}
      kp = FFI::MemoryPointer.new(:pointer)
      vp = FFI::MemoryPointer.new(:pointer)
      Lib.tp_result_label_count(r).times do |i|
        Error.check(Lib.tp_result_label(r, i, kp, vp))
        labels[Lib.str(kp.read_pointer.read_string)] = Lib.str(vp.read_pointer.read_string)
      end
      ms = FFI::MemoryPointer.new(:int64)
      ts = Lib.tp_result_timestamp(r, ms).zero? ? ms.read_int64 : nil
      num = lambda do |name|
        x = FFI::MemoryPointer.new(:double)
        Lib.tp_result_number(r, ::Touchpoint.field_id(name), x).zero? ? x.read_double : nil
      end
      Classification.new(tp: session.json, fields: fields, dimensions: dims, labels: labels,
                         timestamp: ts, value: num.call("value"), score: num.call("score"))
    end
  end
end

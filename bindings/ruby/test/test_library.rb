# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require_relative "test_helper"
require "open3"
require "ripper"
require "rbconfig"

class TestLibrary < Minitest::Test
  include TestPaths

  LIB_DIR = File.expand_path("../lib", __dir__)

  def test_loads_the_library_named_by_the_environment
    want = ENV["TOUCHPOINT_LIBRARY"]
    skip "TOUCHPOINT_LIBRARY not set" if want.to_s.empty?
    assert_equal want, Touchpoint.library_path
    assert_operator Touchpoint.version_number, :>=, Touchpoint::MIN_VERSION
    major, minor, patch = Touchpoint.version.split(".").map(&:to_i)
    assert_equal major * 10_000 + minor * 100 + patch, Touchpoint.version_number
  end

  def test_a_library_that_cannot_be_loaded_is_a_load_error
    env = { "TOUCHPOINT_LIBRARY" => "/nonexistent/libnothing.so.1" }
    _out, err, status = Open3.capture3(env, RbConfig.ruby, "-I", LIB_DIR, "-e", 'require "touchpoint"')
    refute status.success?
    assert_match(/LoadError/, err)
    assert_match(/TOUCHPOINT_LIBRARY/, err)
  end

  def test_dimension_names_come_from_the_library
    dims = Touchpoint.dimensions
    assert_equal Touchpoint::Lib.tp_dimension_count, dims.size
    dims.each_with_index do |(name, values), i|
      assert_equal Touchpoint::Lib.tp_dimension_name(i + 1), name
      assert_equal "unknown", values[0]
      values.each_with_index do |v, k|
        assert_equal Touchpoint::Lib.tp_dimension_value_name(i + 1, k), v
        assert_equal k, Touchpoint.dimension_value(name, v)
        assert_equal v, Touchpoint.dimension_value_name(name, k)
      end
    end
    assert_equal %w[unknown pre_purchase purchase post_purchase], dims["phase"]
    assert_raises(Touchpoint::Error) { Touchpoint.dimension_value("phase", "afterlife") }
  end

  def test_other_enum_names_come_from_the_library
    f = Touchpoint.fields
    assert_equal "customer_id", f.first
    assert_nil Touchpoint::Lib.tp_field_name(f.size + 1)
    assert_equal f.index("channel_group") + 1, Touchpoint.field_id("channel_group")
    assert_equal "unknown", Touchpoint.referrer_media.first
    assert_includes Touchpoint.attribution_models, "markov"
    assert_equal "unknown", Touchpoint.attribution_dimensions.first
  end

  def test_the_gem_keeps_no_copies_of_enum_names
    names = Touchpoint.dimensions.values.flat_map { |v| v.drop(1) }
    names += Touchpoint.referrer_media.drop(1) + Touchpoint.attribution_models
    Dir[File.join(LIB_DIR, "**", "*.rb")].each do |f|
      strings = Ripper.lex(File.read(f)).select { |t| t[1] == :on_tstring_content }.map { |t| t[2] }
      found = strings & names
      assert_empty found, "#{f} copies enum names #{found}"
    end
  end

  def test_close_twice_and_use_after_close
    objs = [Touchpoint::Catalog.default, Touchpoint::Classifier.new, Touchpoint::RefDB.default,
            Touchpoint::RuleSet.builtin("ga4"), Touchpoint::Reader.new, Touchpoint::CatalogBuilder.new,
            Touchpoint::Paths.new]
    if Touchpoint::JOURNEYS_AVAILABLE
      store = Touchpoint::JourneyStore.new
      store.add("c1", 0, "purchase")
      store.finish
      objs += [store.path_counts, store.matrix, Touchpoint::Funnel.new(["event=purchase"]).run(store),
               Touchpoint::Funnel.new, store]
    end
    objs.each do |o|
      refute o.closed?
      o.close
      o.close
      assert o.closed?
    end
    assert_raises(IOError) { objs[0].channels }
    assert_raises(IOError) { objs[1].classify({}) }
    assert_raises(IOError) { objs[2].size }
  end

  def test_blocks_close_and_children_keep_parents_alive
    c = nil
    cat = Touchpoint::Catalog.default do |x|
      c = Touchpoint::Classifier.new(catalog: x)
      x
    end
    assert cat.closed?
    assert_equal "store_visit", c.classify("event" => "store_visit", "channel" => "physical_store")["touchpoint"]
    c.close
    c.close
  end

  LEAK_CHECK = <<~'RUBY'
    require "touchpoint"
    module Libc
      extend FFI::Library
      ffi_lib FFI::Library::LIBC
      attach_function :malloc, [:size_t], :pointer
      attach_function :realloc, %i[pointer size_t], :pointer
      attach_function :free, [:pointer], :void
    end
    class Allocator < FFI::Struct
      layout :malloc_fn, :pointer, :realloc_fn, :pointer, :free_fn, :pointer, :userdata, :pointer
    end
    LIVE = {}
    BAD = []
    m = FFI::Function.new(:pointer, %i[size_t pointer]) do |size, _|
      p = Libc.malloc(size)
      LIVE[p.address] = size
      p
    end
    r = FFI::Function.new(:pointer, %i[pointer size_t pointer]) do |ptr, size, _|
      BAD << ptr.address if !ptr.null? && !LIVE.key?(ptr.address)
      q = Libc.realloc(ptr, size)
      unless q.null?
        LIVE.delete(ptr.address)
        LIVE[q.address] = size
      end
      q
    end
    f = FFI::Function.new(:void, %i[pointer pointer]) do |ptr, _|
      unless ptr.null?
        BAD << ptr.address unless LIVE.key?(ptr.address)
        LIVE.delete(ptr.address)
        Libc.free(ptr)
      end
    end
    a = Allocator.new
    a[:malloc_fn] = m
    a[:realloc_fn] = r
    a[:free_fn] = f
    Touchpoint::Lib.attach_function :tp_set_allocator, [:pointer], :int
    raise "tp_set_allocator" unless Touchpoint::Lib.tp_set_allocator(a).zero?

    cat = Touchpoint::Catalog.default
    db = Touchpoint::RefDB.default
    c = Touchpoint::Classifier.new(catalog: cat, refdb: db)
    db.close
    cat.close
    cat.close
    c.classify("event" => "page_view", "value" => 3, "url" => "https://a.example/?utm_source=x")
    c.classify_many([{}, { "a" => { "b" => 1 } }]).to_a
    c.classify_details("event" => "purchase")
    Touchpoint::Paths.parse_csv("path,conversions\nA > B,1\n") { |p| p.attribute("markov", transitions: true) }
    Touchpoint::CatalogBuilder.build { |b| b.add_channel("web") }.close
    begin
      Touchpoint::RuleSet.compile("{", source: "x")
    rescue Touchpoint::Error
      nil
    end
    Touchpoint::Reader.new.tap { |rd| rd.parse('{"a": 1}') }.close
    Touchpoint::RefDB.default.close
    Touchpoint::Classifier.new.close              # its own default catalog
    Touchpoint::RuleSet.builtin("ga4").close      # likewise
    if Touchpoint::JOURNEYS_AVAILABLE
      store = Touchpoint::JourneyStore.new(keep_fields: ["plan"])
      store.add("c1", 0, "open", touchpoint: "newsletter", attrs: { "plan" => "x" })
      store.add("c1", 5, "purchase", value: 3)
      store.finish
      store.paths.to_a
      pc = store.path_counts
      Touchpoint::PathCounts.load(pc.save("binary")).merge(pc).close
      pc.close
      f = Touchpoint::Funnel.new(%w[event=open event=purchase])
      fs = f.run(store)
      Touchpoint::FunnelState.load(fs.save("json")).close
      [f, fs, store.matrix, store.attribution_paths].each(&:close)
      store.close
      store.close
    end
    c.close
    c.close
    puts "#{LIVE.size} #{BAD.size}"
    exit(LIVE.empty? && BAD.empty? ? 0 : 1)
  RUBY

  def test_every_object_is_freed_once
    # A counting allocator installed through tp_set_allocator() sees every
    # allocation of the library: after closing everything (twice), nothing
    # is left and nothing was freed that was not allocated.
    out, err, status = Open3.capture3(RbConfig.ruby, "-I", LIB_DIR, "-e", LEAK_CHECK)
    assert status.success?, out + err
    assert_equal "0 0", out.strip
  end

  def test_refdb
    Touchpoint::RefDB.default do |db|
      assert_operator db.size, :>, 100
      assert_operator db.source_count, :>, 50
      assert_equal Touchpoint::Referrer.new(known: true, medium: "search", source: "Google",
                                            term: "running shoes", term_truncated: false),
                   db.lookup("https://www.google.co.uk/search?q=running+shoes")
      r = db.lookup("https://unknown.example.org/")
      assert_equal [false, "unknown", nil, nil], [r.known, r.medium, r.source, r.term]
      assert_equal "TP_ESYNTAX", assert_raises(Touchpoint::Error) { db.lookup("") }.name
    end
    Dir.mktmpdir do |dir|
      f = File.join(dir, "mine.json")
      File.write(f, '{"social": {"Mine": {"domains": ["mine.example"]}}}')
      Touchpoint::RefDB.load([nil, f]) do |db|
        assert_equal "Mine", db.lookup("https://mine.example/x").source
        assert_equal "Google", db.lookup("https://www.google.com/").source
      end
      Touchpoint::RefDB.load(f) { |db| assert_equal 1, db.size }
      File.write(f, '{"social": {"Mine": {"domains": [7]}}}')
      e = assert_raises(Touchpoint::Error) { Touchpoint::RefDB.load(f) }
      assert_equal [1, "$.social.Mine.domains[0]"], [e.line, e.path]
    end
  end

  def test_reader
    r = Touchpoint::Reader.new
    assert_equal [%w[a.b.0 1], %w[a.b.1 true], %w[s x]], r.parse('{"a": {"b": [1, true]}, "n": null, "s": "x"}')
    refute r.empty_object?
    assert_equal [], r.parse("{}")
    assert r.empty_object?
    e = assert_raises(Touchpoint::Error) { r.parse('{"a": 1,}', source: "f.ndjson", line_number: 7) }
    assert_equal ["f.ndjson", 7], [e.source, e.line]
    r.close
    e = assert_raises(Touchpoint::Error) { Touchpoint::Reader.new(max_bytes: 10).parse('{"long": "xxxxxxxxxxxx"}') }
    assert_equal "TP_ERANGE", e.name
  end

  def test_timestamps
    assert_equal 1_772_364_600_250, Touchpoint.parse_timestamp("2026-03-01T12:30:00.250+01:00")
    assert_equal 1_772_364_600_000, Touchpoint.parse_timestamp("1772364600")
    assert_equal "2026-03-01T11:30:00.250Z", Touchpoint.format_timestamp(1_772_364_600_250)
    t = Time.utc(2026, 3, 1, 11, 30, 0, 250_000)
    assert_equal 1_772_364_600_250, Touchpoint.parse_timestamp(t)
    assert_equal t, Touchpoint.to_time(1_772_364_600_250)
    assert_raises(Touchpoint::Error) { Touchpoint.parse_timestamp("2026-13-01T00:00:00Z") }
    assert_equal "TP_ERANGE", assert_raises(Touchpoint::Error) { Touchpoint.format_timestamp(10**15) }.name
  end

  def test_builtin_rule_sets
    names = Touchpoint::RuleSet.builtin_names
    assert_includes names, "ga4"
    assert_includes names, "touchpoints"
    names.each do |n|
      a = Touchpoint::RuleSet.compile(Touchpoint::RuleSet.builtin_source(n), source: n)
      b = Touchpoint::RuleSet.builtin(n)
      assert_equal a.size, b.size
      assert_operator b.size, :>, 0
      assert_equal a.name, b.name
      assert_operator b.memory, :>, 0
      a.close
      b.close
    end
    assert_raises(KeyError) { Touchpoint::RuleSet.builtin_source("nope") }
    assert_equal "TP_ENOTFOUND", assert_raises(Touchpoint::Error) { Touchpoint::RuleSet.builtin("nope") }.name
  end

  def test_the_one_liner_of_the_docs
    # docs/bindings.md (and the README) show it; run it word for word.
    lines = File.readlines(File.join(SOURCE_ROOT, "docs", "bindings.md"), chomp: true)
                .select { |l| l.start_with?("ruby -rtouchpoint -e '") }
    assert_equal 1, lines.size
    out, err, status = Open3.capture3({ "RUBYLIB" => LIB_DIR }, "sh", "-c", lines.first)
    assert status.success?, err
    assert_equal "paid_search Paid Search\n", out
  end
end

# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require_relative "test_helper"
require "open3"

class TestClassify < Minitest::Test
  include TestPaths

  PAID_SEARCH = {
    "source" => "google", "medium" => "cpc", "campaign" => "spring",
    "channel_group" => "Paid Search", "channel" => "search_engine",
    "touchpoint" => "paid_search", "stage" => "discovery",
    "phase" => "pre_purchase", "rule" => "landing: paid search"
  }.freeze
  ORGANIC_SEARCH = {
    "source" => "google", "medium" => "organic", "campaign" => "(organic)",
    "channel_group" => "Organic Search", "channel" => "search_engine",
    "touchpoint" => "organic_search", "stage" => "discovery",
    "phase" => "pre_purchase", "rule" => "landing: organic search",
    "referrer" => { "known" => true, "medium" => "search", "source" => "Google",
                    "term" => "running shoes" }
  }.freeze
  WELCOME_EMAIL = {
    "source" => "newsletter", "medium" => "email", "campaign" => "welcome",
    "channel_group" => "Email", "channel" => "email",
    "touchpoint" => "welcome_email", "stage" => "consideration",
    "phase" => "pre_purchase", "rule" => "e-mail: welcome"
  }.freeze
  STORE_VISIT = {
    "source" => "(direct)", "medium" => "(none)", "campaign" => "(direct)",
    "channel_group" => "Direct", "channel" => "physical_store",
    "touchpoint" => "store_visit", "stage" => "preference", "phase" => "purchase",
    "rule" => "store visit"
  }.freeze
  NOTHING = {
    "source" => "(direct)", "medium" => "(none)", "campaign" => "(direct)",
    "channel_group" => "Direct", "rule" => "Direct"
  }.freeze

  WEB_EVENT = { "customer_id" => "c1", "timestamp" => "2026-03-01T10:00:00Z",
                "event" => "page_view",
                "url" => "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring" }.freeze
  SEARCH_EVENT = { "customer_id" => "c3", "event" => "page_view",
                   "url" => "https://shop.example.com/p",
                   "referrer" => "https://www.google.co.uk/search?q=running+shoes" }.freeze
  EMAIL_EVENT = { customer_id: "c1", event: "email_open", utm_source: "newsletter",
                  utm_medium: "email", utm_campaign: "welcome" }.freeze
  STORE_EVENT = { "customer_id" => "c2", "event" => "store_visit",
                  "channel" => "physical_store" }.freeze

  def setup
    @c = Touchpoint::Classifier.new
  end

  def teardown
    @c.close
  end

  def test_web_events
    assert_equal PAID_SEARCH, @c.classify(WEB_EVENT)
    assert_equal ORGANIC_SEARCH, @c.classify(SEARCH_EVENT)
    assert_equal %w[source medium campaign channel_group channel touchpoint stage phase rule referrer],
                 @c.classify(SEARCH_EVENT).keys
  end

  def test_email_event_with_symbol_keys
    assert_equal WELCOME_EMAIL, @c.classify(EMAIL_EVENT)
  end

  def test_offline_event
    assert_equal STORE_VISIT, @c.classify(STORE_EVENT)
  end

  def test_empty_event
    assert_equal NOTHING, @c.classify({})
  end

  def test_values_of_any_json_type
    event = { "event" => "store_visit", "channel" => "physical_store", "value" => 12.5,
              "vip" => true, "gone" => nil, "context" => { "campaign" => { "source" => "flyer" } } }
    assert_equal STORE_VISIT, @c.classify(event)
    d = @c.classify_details(event)
    assert_equal 12.5, d.value
    assert_equal "12.5", d.fields["value"]
    Touchpoint::Classifier.open(field_map: { "utm_source" => "context.campaign.source" }) do |m|
      assert_equal "flyer", m.classify(event)["source"]
    end
    assert_raises(TypeError) { @c.classify([1, 2]) }
    assert_raises(TypeError) { @c.classify(1 => "x") }
  end

  def test_classify_many_with_a_block_and_lazily
    got = []
    @c.classify_many([WEB_EVENT, EMAIL_EVENT, STORE_EVENT]) { |tp| got << tp }
    assert_equal [PAID_SEARCH, WELCOME_EMAIL, STORE_VISIT], got
    seen = []
    events = Enumerator.new do |y|
      [WEB_EVENT, SEARCH_EVENT].each do |e|
        seen << e
        y << e
      end
    end
    en = @c.classify_many(events)
    assert_empty seen
    assert_equal PAID_SEARCH, en.first
    assert_equal [PAID_SEARCH, ORGANIC_SEARCH], @c.classify_many(events).to_a
    assert_equal ["Paid Search", "Organic Search"],
                 @c.classify_many(events).map { |tp| tp["channel_group"] }
  end

  def test_classify_details
    d = @c.classify_details(WEB_EVENT.merge("value" => "19.90", "score" => "4"))
    assert_equal PAID_SEARCH, d.tp
    assert_equal "shop.example.com", d.fields["url_host"]
    assert_equal 1_772_359_200_000, d.timestamp
    assert_equal "2026-03-01T10:00:00.000Z", Touchpoint.format_timestamp(d.timestamp)
    assert_in_delta 19.9, d.value
    assert_equal 4.0, d.score
    assert_equal({ "channel_group" => "Paid Search" }, d.labels)
    assert_equal "digital", d.dimensions["kind"]
    assert_equal "Paid Search", d["channel_group"]
    assert_equal Touchpoint.dimensions.keys, d.dimensions.keys
  end

  def test_classify_file
    rejects = []
    out = @c.classify_file(testdata("events.ndjson"), on_reject: ->(e) { rejects << e }).to_a
    assert_equal [PAID_SEARCH, WELCOME_EMAIL, STORE_VISIT, ORGANIC_SEARCH, NOTHING], out.map { |o| o["tp"] }
    assert_equal({ "campaign" => { "source" => "flyer" } }, out[2]["context"])
    assert_equal 1, rejects.size
    e = rejects.first
    assert_equal [testdata("events.ndjson"), 6, 21, "TP_ESYNTAX"], [e.source, e.line, e.column, e.name]
    err = assert_raises(Touchpoint::Error) { @c.classify_file(testdata("events.ndjson")) { |_| nil } }
    assert_equal [6, 21], [err.line, err.column]
  end

  def test_same_output_as_the_command
    cmd = ENV["TOUCHPOINT_COMMAND"]
    skip "TOUCHPOINT_COMMAND (the built touchpoint command) not set" if cmd.to_s.empty?
    # In a sanitizer build only the interpreter needs the preloaded runtime;
    # the command has its own linked in.
    out, _err, status = Open3.capture3({ "LD_PRELOAD" => nil }, cmd, "classify", testdata("events.ndjson"))
    assert_equal 1, status.exitstatus
    want = out.lines.map { |l| JSON.parse(l) }
    assert_equal want, @c.classify_file(testdata("events.ndjson"), on_reject: ->(_) {}).to_a
    want.each do |obj|
      tp = obj.delete("tp")
      assert_equal tp, @c.classify(obj)
    end
  end

  def test_rule_sets_by_name_path_and_object
    Touchpoint::Classifier.open(rules: "ga4") do |c|
      tp = c.classify(WEB_EVENT)
      assert_equal "Paid Search", tp["channel_group"]
      refute tp.key?("touchpoint")
    end
    survey = { "event" => "survey_answer", "score" => "9" }
    Touchpoint::Classifier.open(rules: ["default", testdata("shop-rules.json")]) do |c|
      d = c.classify_details(survey)
      assert_equal "satisfaction_survey", d.tp["touchpoint"]
      assert_equal "gold", d.labels["plan"]
    end
    Touchpoint::RuleSet.compile_file(testdata("shop-rules.json")) do |rs|
      Touchpoint::Classifier.open(rules: [rs]) do |c|
        assert_equal "satisfaction_survey", c.classify(survey)["touchpoint"]
      end
      err = assert_raises(Touchpoint::Error) { Touchpoint::Classifier.new(rules: [rs], catalog: Touchpoint::Catalog.default) }
      assert_equal "TP_EMISMATCH", err.name
    end
    Touchpoint::Classifier.open(rules: []) do |c|
      assert_equal({ "source" => "google", "medium" => "cpc", "campaign" => "spring" }, c.classify(WEB_EVENT))
    end
  end

  def test_internal_domains_refdb_and_field_map_file
    event = { "event" => "page_view", "url" => "https://shop.example.com/a",
              "referrer" => "https://blog.example.com/post" }
    assert_equal "referral", @c.classify(event)["medium"]
    Touchpoint::Classifier.open(internal_domains: ["example.com"]) do |c|
      assert_equal "(direct)", c.classify(event)["source"]
    end
    Touchpoint::RefDB.parse({ "social" => { "Example Blog" => { "domains" => ["blog.example.com"] } } }) do |db|
      Touchpoint::Classifier.open(refdb: db) do |c|
        assert_equal({ "known" => true, "medium" => "social", "source" => "Example Blog" },
                     c.classify(event)["referrer"])
      end
    end
    Dir.mktmpdir do |dir|
      f = File.join(dir, "fields.json")
      File.write(f, '{"utm_source": "src", "utm_medium": "med"}')
      Touchpoint::Classifier.open(field_map: f) do |c|
        assert_equal WELCOME_EMAIL, c.classify("src" => "newsletter", "med" => "email",
                                               "utm_campaign" => "welcome", "event" => "email_open")
      end
      File.write(f, '{"utm_source": 3}')
      err = assert_raises(Touchpoint::Error) { Touchpoint::Classifier.new(field_map: f) }
      assert_equal [f, 1, 16], [err.source, err.line, err.column]
    end
  end

  def test_threads_share_one_classifier
    events = [WEB_EVENT, EMAIL_EVENT, STORE_EVENT, SEARCH_EVENT] * 25
    want = [PAID_SEARCH, WELCOME_EMAIL, STORE_VISIT, ORGANIC_SEARCH] * 25
    results = Array.new(4) { Thread.new { [@c.classify_many(events).to_a, events.map { |e| @c.classify(e) }] } }.map(&:value)
    results.each { |r| assert_equal [want, want], r }
  end

  def test_cache_size_changes_nothing_but_time
    events = [WEB_EVENT, SEARCH_EVENT, EMAIL_EVENT, STORE_EVENT, {}] * 4
    want = [PAID_SEARCH, ORGANIC_SEARCH, WELCOME_EMAIL, STORE_VISIT, NOTHING] * 4
    [nil, 0, 2, 1000].each do |size|
      Touchpoint::Classifier.open(cache_size: size) do |c|
        assert_equal want, events.map { |e| c.classify(e) }
        assert_equal want, c.classify_many(events).to_a
      end
    end
  end

  def test_cache_size_is_checked
    assert_raises(ArgumentError) { Touchpoint::Classifier.new(cache_size: -1) }
    assert_raises(ArgumentError) { Touchpoint::Classifier.new(cache_size: (1 << 24) + 1) }
    assert_raises(TypeError) { Touchpoint::Classifier.new(cache_size: "big") }
  end
end

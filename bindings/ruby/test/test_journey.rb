# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require_relative "test_helper"

class TestJourney < Minitest::Test
  include TestPaths

  M = 60 * 1000

  # Three journeys: c1 converts (50), c2 does not and has two sessions, c3
  # converts (20) after a store visit with a satisfaction score.
  def setup
    skip "the library has no journey API" unless Touchpoint::JOURNEYS_AVAILABLE
    @s = Touchpoint::JourneyStore.new(keep_fields: ["plan"])
    @s.add("c1", 0, "open", touchpoint: "newsletter", attrs: { "plan" => "gold" })
    @s.add("c1", 10 * M, "view", touchpoint: "product_page_view")
    @s.add("c1", 20 * M, "purchase", touchpoint: "checkout", value: 50)
    @s.add("c2", 0, "open", touchpoint: "newsletter", attrs: { plan: "basic" })
    @s.add("c2", 5 * M, "view", touchpoint: "product_page_view")
    @s.add("c2", 120 * M, "view", touchpoint: "product_page_view")
    @s.add("c3", 1 * M, "purchase", touchpoint: "checkout", value: 20)
    @s.add("c3", 0, "visit", touchpoint: "store_visit", score: 4)
    refute @s.finished?
    @s.finish
  end

  def teardown
    @s&.close
  end

  def test_journeys
    assert @s.finished?
    assert_equal [3, 8, %w[c1 c2 c3]], [@s.size, @s.event_count, @s.customers]
    visit, purchase = @s.journey("c3").events
    assert_equal ["visit", "store_visit", "physical_store", "preference", "purchase", 4.0, false],
                 [visit.event, visit.touchpoint, visit.channel, visit.stage, visit.phase, visit.score, visit.conversion]
    assert_equal ["website", 20.0, true], [purchase.channel, purchase.value, purchase.conversion]
    c2 = @s.journey(1)
    assert_equal 2, c2.sessions
    assert_equal [[0, true], [0, false], [1, true]], c2.map { |e| [e.session, e.session_start] }
    assert_equal %w[c1 c2 c3], @s.map(&:customer)
    assert_equal "basic", @s.event_field(c2.events[0].index, "plan")
    assert_nil @s.event_field(c2.events[1].index, "plan")
    assert_raises(KeyError) { @s.journey("nobody") }
    assert_equal "TP_EINVAL", assert_raises(Touchpoint::Error) { @s.add("c9", 0) }.name
  end

  def test_paths_and_path_counts
    assert_equal [["c1", true, 50.0, %w[newsletter product_page_view checkout]],
                  ["c2", false, 0.0, %w[newsletter product_page_view product_page_view]],
                  ["c3", true, 20.0, %w[store_visit checkout]]],
                 @s.paths.map { |p| [p.customer, p.converted, p.value, p.touches.map(&:touchpoint)] }
    assert_equal [1, 1, 1], @s.paths(lookback_steps: 1).map { |p| p.touches.size }
    assert_equal [2, 2, 2], @s.paths(touches: "sessions").map { |p| p.touches.size }
    assert_equal [1, 2, 1], @s.paths(touches: "sessions", exclude_conversion: true).map { |p| p.touches.size }
    pc = Touchpoint::PathCounts.load(@s.path_counts("touchpoint").save("json"))
    assert_equal "touchpoint", pc.field
    assert_equal [[%w[newsletter product_page_view checkout], 1, 0, 50.0],
                  [%w[store_visit checkout], 1, 0, 20.0],
                  [%w[newsletter product_page_view product_page_view], 0, 1, 0.0]],
                 pc.map { |r| [r.items, r.conversions, r.nulls, r.value] }
    assert_equal [2, 1, 70.0], pc.totals
    pc.merge(@s.path_counts("touchpoint"))
    assert_equal [4, 2, 140.0], pc.totals
    paths = pc.to_paths
    assert_equal ["touchpoint", 4.0], [paths.by, paths.total_conversions]
    paths.close
    pc.close
    e = assert_raises(Touchpoint::Error) { @s.path_counts("touchpoint").merge(@s.path_counts("channel")) }
    assert_equal "TP_EMISMATCH", e.name
  end

  def test_attribution_of_journeys
    paths = @s.attribution_paths("channel")
    assert paths.timed?
    assert_equal [[%w[email website website], 1.0, 1.0, 50.0], [%w[physical_store website], 1.0, 0.0, 20.0]],
                 paths.map { |r| [r.items, r.conversions, r.nulls, r.value] }
    last = paths.attribute("last")
    assert_equal [2.0, 70.0], [last["website"].conversions, last["website"].value]
    # Half-life 10 minutes: c1's touches 20, 10 and 0 minutes before its
    # conversion weigh 1/4, 1/2, 1; c3's 1 minute and 0 before, 2^-0.1, 1.
    decay = paths.attribute("time_decay", half_life: "10m").to_h { |i| [i.id, i.conversions] }
    w = 2**-0.1
    { "email" => 1.0 / 7, "website" => 6.0 / 7 + 1 / (1 + w), "physical_store" => w / (1 + w) }.each do |k, v|
      assert_in_delta v, decay[k], 1e-12
    end
    paths.close
  end

  def test_funnel
    f = Touchpoint::Funnel.new(["event=open", ["event=view", "viewed"], "event=purchase"])
    assert_equal ["event=open", "viewed", "event=purchase"], f.steps
    st = f.run(@s)
    assert_equal 3, st.journeys
    assert_equal({ "window_ms" => 0, "mode" => [], "count" => "customers" }, st.settings)
    assert_equal [["event=open", "event=open", 2, 0], ["viewed", "event=view", 2, 0],
                  ["event=purchase", "event=purchase", 1, 1]],
                 st.map { |s| [s.name, s.condition, s.customers, s.dropped] }
    assert_equal [1.0, 1.0, 0.5], st.map(&:conversion_from_previous)
    steps = st.steps
    assert_equal [450.0, 570.0], [steps[1].median_seconds_from_previous, steps[1].p90_seconds_from_previous]
    assert_nil steps[0].median_seconds_from_previous
    assert_equal [[nil, 1]], steps[2].next
    %w[json binary].each do |fmt|
      data = st.save(fmt)
      assert_equal ["funnel", fmt], Touchpoint.state_kind(data)
      again = Touchpoint::FunnelState.load(data, source: "saved")
      again.merge(st)
      assert_equal [4, 4, 2], again.map(&:customers)
      again.close
    end
    e = assert_raises(Touchpoint::Error) { Touchpoint::FunnelState.load("garbage", source: "g.state") }
    assert_equal %w[TP_ESYNTAX g.state], [e.name, e.source]
    st.close
    f.close
  end

  def test_funnel_settings_and_breakdown
    st = Touchpoint::Funnel.new(%w[event=open event=view], window: "7m", mode: "strict_order", count: "attempts").run(@s)
    assert_equal({ "window_ms" => 7 * M, "mode" => ["strict_order"], "count" => "attempts" }, st.settings)
    assert_equal [2, 1], st.map(&:customers)
    st = Touchpoint::Funnel.new(%w[event=open event=view], breakdown: "plan").run(@s)
    assert_equal ["plan", %w[basic gold]], [st.breakdown, st.groups]
    assert_equal [[1, 1], [1, 1]], (0..1).map { |g| st.steps(g).map(&:customers) }
    seven = @s.funnel("seven_stage")
    assert_equal @s.catalog.funnel("seven_stage").stages, seven.map(&:name)
    assert_equal [0] * 7, seven.map(&:customers)
    assert_raises(Touchpoint::Error) { Touchpoint::Funnel.new(["nonsense"]) }
    assert_raises(Touchpoint::Error) { Touchpoint::Funnel.new(["event=x"] * 40) }
    assert_equal "TP_ENOTFOUND", assert_raises(Touchpoint::Error) { Touchpoint::Funnel.new(["nokind=gold"]).run(@s) }.name
    assert_raises(Touchpoint::Error) { Touchpoint::Funnel.new(["event=x"], mode: "sideways") }
  end

  def test_matrix
    m = @s.matrix
    assert_equal %w[channel stage], [m.rows_field, m.cols_field]
    assert_equal %w[website email physical_store], m.rows
    assert_equal %w[consideration preference sale], m.cols
    cells = m.to_h
    assert_equal Touchpoint::MatrixCell.new(row: "website", col: "consideration", events: 3, customers: 2, converted: 1,
                                            conversion_rate: 0.5, scores: 0, mean_score: 0.0),
                 cells["website"]["consideration"]
    assert_equal [1, 1, 1, 1.0, 1, 4.0], cells["physical_store"]["preference"].to_a.drop(2)
    assert_equal 8, m.sum(&:events)
    back = Touchpoint::Matrix.load(m.save("binary"))
    back.merge(m)
    assert_equal 4, back.to_h["website"]["sale"].events
    by_tp = @s.matrix(rows: "touchpoint", cols: "all")
    assert_equal ["all"], by_tp.cols
    assert_equal "TP_EMISMATCH", assert_raises(Touchpoint::Error) { m.merge(by_tp) }.name
    [m, back, by_tp].each(&:close)
  end

  def test_from_raw_events
    Touchpoint::Classifier.open do |c|
      Touchpoint::JourneyStore.open(catalog: c.catalog) do |s|
        s.add_event({ "customer_id" => "c1", "timestamp" => "2026-03-01T10:00:00Z", "event" => "page_view",
                      "url" => "https://shop.example.com/?utm_source=google&utm_medium=cpc" }, c)
        s.add_events([{ "customer_id" => "c1", "timestamp" => "2026-03-01T10:05:00Z", "event" => "purchase",
                        "value" => 30 }], c)
        rejects = []
        s.add_file(testdata("events.ndjson"), c, on_reject: ->(e) { rejects << e })
        # The broken line, then c3 and {} without a timestamp.
        assert_equal [[5, "TP_ENOTFOUND"], [6, "TP_ESYNTAX"], [7, "TP_ENOTFOUND"]], rejects.map { |e| [e.line, e.name] }
        assert rejects[0].message.start_with?("#{testdata('events.ndjson')}:5: ")
        assert_raises(Touchpoint::Error) { s.add_event({ "customer_id" => "c1", "event" => "no time" }, c) }
        s.finish
        assert_equal %w[c1 c2], s.customers
        j = s.journey("c1")
        # In time order; the two page views at 10:00 in the order added.
        assert_equal [["page_view", "paid_search", "Paid Search", "google"],
                      ["page_view", "paid_search", "Paid Search", "google"],
                      ["purchase", "checkout", "Direct", "(direct)"],
                      ["email_open", "welcome_email", "Email", "newsletter"]],
                     j.map { |e| [e.event, e.touchpoint, e.channel_group, e.source] }
        assert_equal [30.0, true], [j.events[2].value, j.events[2].conversion]
      end
    end
  end
end

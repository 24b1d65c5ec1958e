# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require_relative "test_helper"

# Attribution on the worked example of docs/attribution.md.
class TestAttribution < Minitest::Test
  TABLE = "path,conversions,nulls,value\nA > B > C,2,1,100\nA > C,1,2,30\nC > B > B,1,1,40\nC > A,0,2,0\n"
  DAY = 24 * 3600 * 1000
  CONVERSION = 1_767_225_600_000 # 2026-01-01T00:00:00Z
  PATHS = [
    [%w[A B C], [14, 7, 0], 2, 1, 100],
    [%w[A C], [7, 7], 1, 2, 30],
    [%w[C B B], [21, 7, 7], 1, 1, 40],
    [%w[C A], [3, 1], 0, 2, 0]
  ].freeze

  def setup
    @table = Touchpoint::Paths.parse_csv(TABLE, source: "worked.csv")
    @timed = Touchpoint::Paths.new
    PATHS.each do |items, days, c, n, v|
      @timed.add(items, conversions: c, nulls: n, value: v,
                        times: days.map { |d| CONVERSION - d * DAY }, conversion_time: CONVERSION)
    end
  end

  def teardown
    @table.close
    @timed.close
  end

  def credit(result)
    result.to_h { |i| [i.id, i.conversions] }
  end

  def assert_credit(want, result)
    got = credit(result)
    assert_equal want.keys, got.keys
    want.each { |k, v| assert_in_delta v, got[k], 1e-9, k }
  end

  def test_path_table
    assert_equal [4, 4, "channel", %w[A B C]], [@table.size, @table.row_count, @table.by, @table.items]
    assert_equal Touchpoint::PathRow.new(items: %w[A B C], conversions: 2, nulls: 1, value: 100), @table.first
    assert_equal [4, 6, 170], [@table.total_conversions, @table.total_nulls, @table.total_value]
    refute @table.timed?
    assert @timed.timed?
    assert_equal 1, @table.find_item("B")
    assert_raises(KeyError) { @table.find_item("Z") }
  end

  def test_models
    assert_credit({ "A" => 3, "B" => 0, "C" => 1 }, @table.attribute("first"))
    assert_credit({ "A" => 0, "B" => 1, "C" => 3 }, @table.attribute("last"))
    assert_credit({ "A" => 7.0 / 6, "B" => 4.0 / 3, "C" => 1.5 }, @table.attribute("linear"))
    assert_credit({ "A" => 1.3, "B" => 1.0, "C" => 1.7 }, @table.attribute("position"))
    assert_credit({ "A" => 7.0 / 6, "B" => 7.0 / 6, "C" => 5.0 / 3 }, @table.attribute("shapley_simple"))
    assert_credit({ "A" => 1, "B" => 3, "C" => 0 }, @table.attribute("last_non_direct", excluded: "c"))
    first = @table.attribute("first")
    assert_equal [130.0, 0.75, nil, nil], [first["A"].value, first["A"].share, first["A"].removal_effect,
                                           first.conversion_probability]
    assert_equal ["first", "channel", 0, 4.0, 170.0],
                 [first.model, first.by, first.order, first.total_conversions, first.total_value]
  end

  def test_markov
    m = @table.attribute("markov", transitions: true)
    assert_equal 1, m.order
    assert_in_delta 0.4, m.conversion_probability
    { "A" => 27.0 / 44, "B" => 73.0 / 148, "C" => 71.0 / 80 }.each do |k, v|
      assert_in_delta v, m[k].removal_effect, 1e-12
    end
    assert_in_delta 4, m.sum(&:conversions)
    assert_in_delta 170, m.sum(&:value)
    assert_equal ["(start)", "(conversion)", "(null)"], m.states.first(3)
    start = m.transitions.select { |t| t.source == "(start)" }.to_h { |t| [t.target, t.probability] }
    assert_in_delta 0.6, start["A"]
    assert_in_delta 0.4, start["C"]
    assert_empty @table.attribute("markov").transitions
    assert_equal 2, @table.attribute("markov", order: 2).order
  end

  def test_time_decay
    assert_credit({ "A" => 11.0 / 14, "B" => 92.0 / 63, "C" => 221.0 / 126 }, @timed.attribute("time_decay"))
    half = @timed.attribute("time_decay", half_life: 14 * DAY)
    refute_equal credit(half), credit(@timed.attribute("time_decay"))
    assert_equal "TP_EEMPTY", assert_raises(Touchpoint::Error) { @table.attribute("time_decay") }.name
    (Touchpoint.attribution_models - ["time_decay"]).each do |model|
      assert_credit(credit(@table.attribute(model)), @timed.attribute(model))
    end
    assert_equal(Touchpoint.attribution_models.reject { |m| m == "time_decay" }, @table.attribute_all.keys)
    assert_equal Touchpoint.attribution_models, @timed.attribute_all.keys
  end

  def test_merge_ids_and_bad_input
    Touchpoint::Paths.open do |p|
      a = p.intern("A")
      b = p.intern("B")
      p.add([a, b], conversions: 1, value: 10)
      p.add(["B"], nulls: 1)
      p.merge(@table)
      assert_equal [6, 5.0, %w[A B C]], [p.size, p.total_conversions, p.items]
      assert_equal "TP_EINVAL", assert_raises(Touchpoint::Error) { p.add(["A"], conversions: -1) }.name
      assert_raises(Touchpoint::Error) { p.attribute("astrology") }
    end
    e = assert_raises(Touchpoint::Error) do
      Touchpoint::Paths.parse_csv("path,conversions\nA > B,2\n,1\nA > B,x\n", source: "bad.csv")
    end
    assert_equal "bad.csv", e.source
    assert_equal [[3, 1, "the path is empty"], [4, 7, "conversions is not a number"]],
                 e.errors.map { |x| [x.line, x.column, x.reason] }
    assert_raises(Touchpoint::Error) { Touchpoint::Paths.new(by: "weather") }
    Dir.mktmpdir do |dir|
      f = File.join(dir, "t.csv")
      File.write(f, "route,won,value\nA|B,1,5\n")
      Touchpoint::Paths.load_csv(f, separator: "|", path_column: "route", conversions_column: "won",
                                    by: "touchpoint") do |p|
        assert_equal [Touchpoint::PathRow.new(items: %w[A B], conversions: 1, nulls: 0, value: 5)], p.to_a
        assert_equal "touchpoint", p.by
      end
    end
  end
end

#!/usr/bin/env ruby
# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# Attribution of the worked example (docs/attribution.md) with every model,
# side by side; the same output as examples/attribution.c.
#
# The four paths are added one by one with the time of each touch, so that
# the time-decay model can run too; the same paths read from a path table
# (CSV) give the same results for every other model, which is checked.
require "touchpoint"

DAY = 24 * 3600 * 1000
CONVERSION = 1_767_225_600_000 # 2026-01-01T00:00:00Z
TABLE = "path,conversions,nulls,value\nA > B > C,2,1,100\nA > C,1,2,30\nC > B > B,1,1,40\nC > A,0,2,0\n"
# items, days before the conversion, conversions, nulls, value
PATHS = [
  [%w[A B C], [14, 7, 0], 2, 1, 100],
  [%w[A C], [7, 7], 1, 2, 30],
  [%w[C B B], [21, 7, 7], 1, 1, 40],
  [%w[C A], [3, 1], 0, 2, 0]
].freeze

same = true
Touchpoint::Paths.open(by: "channel") do |timed|
  PATHS.each do |items, days, conversions, nulls, value|
    timed.add(items, conversions: conversions, nulls: nulls, value: value,
                     times: days.map { |d| CONVERSION - d * DAY }, conversion_time: CONVERSION)
  end
  printf("Worked example: %d paths, %g conversions, %g nulls, value %g\n",
         timed.size, timed.total_conversions, timed.total_nulls, timed.total_value)
  results = Touchpoint.attribution_models.map { |m| timed.attribute(m) }

  # Conversions, then value, one column per model.
  %i[conversions value].each do |column|
    puts "\n#{format('%-12s', column)}#{results.map { |r| format(' %15s', r.model) }.join}"
    results.first.items.each_index do |k|
      puts format("%-12s", results.first.items[k].id) +
           results.map { |r| format(" %15.6f", r.items[k].send(column)) }.join
    end
  end

  results.each do |r|
    next if r.conversion_probability.nil? # only Markov has one

    printf("\nMarkov order %d: P(conversion) = %.6f\n", r.order, r.conversion_probability)
    r.each do |item|
      printf("  removal effect of %s: %.6f (value: %.6f)\n", item.id, item.removal_effect,
             item.value_removal_effect)
    end
  end

  # The path table gives the same results, time decay apart (a path table
  # has no times).
  Touchpoint::Paths.parse_csv(TABLE, source: "table") do |table|
    results.each do |r|
      other = begin
        table.attribute(r.model)
      rescue Touchpoint::Error
        next # time decay needs timed paths
      end
      r.items.zip(other.items).each do |a, b|
        next if (a.conversions - b.conversions).abs <= 1e-12

        puts "#{r.model} differs on the path table"
        same = false
      end
    end
  end
end
puts "\nThe path table gives the same results." if same
exit(same ? 0 : 1)

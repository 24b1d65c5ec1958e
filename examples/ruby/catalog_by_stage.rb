#!/usr/bin/env ruby
# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# catalog_by_stage: print the built-in default catalog grouped by the
# stages of the 7-stage funnel, then the touchpoints whose default stage is
# outside that funnel, then those without a stage. The output is the same
# as examples/catalog-by-stage.c's.
#
# Run from a source tree:
#   TOUCHPOINT_LIBRARY=build/lib/libtouchpoint.so.1 \
#   ruby -Ibindings/ruby/lib examples/ruby/catalog_by_stage.rb
require "touchpoint"

def print_touchpoints(catalog, stage_id)
  catalog.touchpoints_of_stage(stage_id).each do |t|
    channel = catalog.channel(t.channel)
    puts "  #{t.id}: #{t.name} [#{channel.id}, #{channel.kind}]"
  end
end

def print_stage(catalog, stage, prefix)
  puts "#{prefix}#{stage.name} (#{stage.id}, #{stage.phase})"
  print_touchpoints(catalog, stage.id)
end

# The default catalog is compiled into the library: no file needed.
Touchpoint::Catalog.default do |catalog|
  funnel = catalog.funnel("seven_stage")
  puts "#{funnel.name}: #{funnel.stages.size} stages"
  funnel.stages.each.with_index(1) do |id, k|
    print_stage(catalog, catalog.stage(id), "\n#{k}. ")
  end
  # Stages of the other funnels (b2b, b2c, four_step).
  catalog.stages.reject { |s| funnel.stages.include?(s.id) }.each do |stage|
    print_stage(catalog, stage, "\nOutside the funnel: ")
  end
  puts "\nWithout a stage"
  print_touchpoints(catalog, nil)
end

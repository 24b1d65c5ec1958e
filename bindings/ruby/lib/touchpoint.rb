# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# Ruby bindings of libtouchpoint: classify raw interaction events into
# typed customer touchpoints, read the catalog, follow customers' journeys,
# measure funnels and the touchpoint matrix, attribute conversions.
#
#   require "touchpoint"
#   tp = Touchpoint::Classifier.new.classify(
#     "event" => "page_view", "url" => "https://shop.example/?utm_source=google&utm_medium=cpc")
#   tp["touchpoint"]     # => "paid_search"
#   tp["channel_group"]  # => "Paid Search"
#
# The gem uses the ffi gem (Debian: ruby-ffi). It loads libtouchpoint.so.1,
# or the file named by the environment variable TOUCHPOINT_LIBRARY, and
# refuses a library older than it needs. Objects of the library are freed
# by #close, at the end of a block, or by the garbage collector; closing
# twice is harmless. Failures raise Touchpoint::Error with the library's
# message, file, line, column and JSON path. Names of enum values are read
# from the library at run time. See docs/bindings.md.
module Touchpoint
end

require_relative "touchpoint/version"
require_relative "touchpoint/library"
require_relative "touchpoint/error"
require_relative "touchpoint/taxonomy"
require_relative "touchpoint/events"
require_relative "touchpoint/catalog"
require_relative "touchpoint/classifier"
require_relative "touchpoint/attribution"
require_relative "touchpoint/journey"

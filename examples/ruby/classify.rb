#!/usr/bin/env ruby
# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# classify: classify a few events, or every line of an NDJSON file, and
# print one line per event:
#
#   CUSTOMER EVENT -> TOUCHPOINT / CHANNEL GROUP / CHANNEL / STAGE
#
# ("-" where a member is absent). Refused lines of a file go to stderr
# with their file, line and column, as `touchpoint classify` reports them.
#
#   examples/ruby/classify.rb [FILE.ndjson]
require "touchpoint"

EVENTS = [
  # A click on a paid search ad (utm parameters in the landing URL).
  { customer_id: "c1", event: "page_view",
    url: "https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=spring" },
  # A visit from a Google search: the referrer database knows it.
  { customer_id: "c2", event: "page_view", url: "https://shop.example.com/shoes",
    referrer: "https://www.google.co.uk/search?q=running+shoes" },
  # An e-mail opened.
  { customer_id: "c1", event: "email_open", utm_source: "newsletter", utm_medium: "email",
    utm_campaign: "welcome" },
  # An offline event: a visit to the shop.
  { customer_id: "c3", event: "store_visit", channel: "physical_store" }
].freeze

def line(event, tp)
  get = ->(h, k) { h[k] || h[k.to_sym] || "-" }
  "#{get.call(event, 'customer_id')} #{get.call(event, 'event')} -> #{get.call(tp, 'touchpoint')} / " \
    "#{get.call(tp, 'channel_group')} / #{get.call(tp, 'channel')} / #{get.call(tp, 'stage')}"
end

rejected = 0
Touchpoint::Classifier.open(rules: "default") do |classifier|
  if ARGV.empty?
    classifier.classify_many(EVENTS).zip(EVENTS) { |tp, event| puts line(event, tp) }
  else
    on_reject = lambda do |e|
      rejected += 1
      warn e.message
    end
    classifier.classify_file(ARGV[0], on_reject: on_reject) { |obj| puts line(obj, obj["tp"]) }
  end
end
exit(rejected.zero? ? 0 : 1)

#!/usr/bin/env ruby
# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# custom_catalog: build a small catalog for a shop in code, with the
# builder, and write it as JSON (docs/catalog-format.md) to standard output
# or to the file named on the command line, as examples/custom-catalog.c
# does. `touchpoint catalog --catalog FILE` reads it back.
require "touchpoint"

if ARGV.size > 1
  warn "usage: custom_catalog.rb [FILE]"
  exit 2
end

begin
  catalog = Touchpoint::CatalogBuilder.build do |b|
    b.add_channel("website", "Web shop", kind: "digital")
    b.add_channel("email", "E-mail", kind: "digital")
    b.add_channel("physical_store", "Shop on Main Street", kind: "physical")
    b.add_stage("discovery", "Discovery", phase: "pre_purchase")
    b.add_stage("sale", "Sale", phase: "purchase")
    b.add_stage("loyalty", "Loyalty", phase: "post_purchase")
    # A brand-initiated mass e-mail, sent by a machine.
    b.add_touchpoint("newsletter", "email", "Monthly newsletter", stage: "discovery",
                     initiator: "brand", personalization: "mass", control: "intentional", agent: "machine")
    # The customer pays online; the phase comes from the stage.
    b.add_touchpoint("checkout", "website", "Checkout", stage: "sale", initiator: "customer", agent: "machine")
    # Paying at the till, with a person.
    b.add_touchpoint("store_purchase", "physical_store", "Purchase at the till", stage: "sale",
                     initiator: "customer", agent: "human")
    # A personal thank-you after the purchase.
    b.add_touchpoint("thank_you_email", "email", "Thank-you e-mail", stage: "loyalty",
                     initiator: "brand", personalization: "personalized", intent: "proactive",
                     control: "intentional", agent: "machine", business_model: "b2c")
    b.add_funnel("shop", %w[discovery sale loyalty], "Shop journey")
  end
  if ARGV.empty?
    $stdout.write(catalog.to_json)
  else
    catalog.save(ARGV[0])
  end
  catalog.close
rescue Touchpoint::Error => e
  e.errors.each { |x| warn "custom_catalog: #{x.message}" }
  exit 1
end

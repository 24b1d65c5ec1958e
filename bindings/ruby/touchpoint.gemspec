# SPDX-License-Identifier: MIT
# frozen_string_literal: true

require_relative "lib/touchpoint/version"

Gem::Specification.new do |s|
  s.name = "touchpoint"
  s.version = Touchpoint::GEM_VERSION
  s.summary = "Ruby bindings of libtouchpoint: customer touchpoints, channels, funnels and attribution"
  s.description = <<~DESC
    Classify raw interaction events (web hits with utm parameters and
    referrers, e-mails, store visits, calls) into typed customer
    touchpoints, read the touchpoint catalog and attribute conversions,
    through the libtouchpoint shared library (libtouchpoint.so.1) and ffi.
  DESC
  s.license = "MIT"
  s.authors = ["libtouchpoint authors"]
  s.files = Dir["lib/**/*.rb"] + ["touchpoint.gemspec"]
  s.test_files = Dir["test/**/*.rb"]
  s.require_paths = ["lib"]
  s.required_ruby_version = ">= 2.7"
  s.add_runtime_dependency "ffi", ">= 1.12"
  s.add_development_dependency "minitest", ">= 5"
  s.requirements << "libtouchpoint.so.1 (the libtouchpoint shared library)"
end

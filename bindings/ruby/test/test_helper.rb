# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# The suite runs against the library named by TOUCHPOINT_LIBRARY (meson
# test sets it to the build tree's library).
$LOAD_PATH.unshift File.expand_path("../lib", __dir__)
require "minitest/autorun"
require "json"
require "tmpdir"
require "touchpoint"

module TestPaths
  SOURCE_ROOT = ENV.fetch("TP_SOURCE_ROOT", File.expand_path("../../..", __dir__))
  TESTDATA = File.join(SOURCE_ROOT, "bindings", "testdata")
  DEFAULT_CATALOG_JSON = File.join(SOURCE_ROOT, "data", "catalog", "default.json")

  def testdata(name)
    File.join(TESTDATA, name)
  end
end

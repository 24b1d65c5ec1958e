# SPDX-License-Identifier: MIT
# frozen_string_literal: true

module Touchpoint
  # The version of the gem (the library's run-time version is
  # ::Touchpoint.version).
  GEM_VERSION = "0.9.0"
end

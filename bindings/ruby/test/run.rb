# SPDX-License-Identifier: MIT
# frozen_string_literal: true

# Run every test file: ruby bindings/ruby/test/run.rb [minitest options]
Dir[File.join(__dir__, "test_*.rb")].sort.each { |f| require f unless f.end_with?("test_helper.rb") }

#!/bin/sh
# Installs Debian's chromium for the browser test (test/security/html-browser.test.ts), which
# drives /usr/bin/chromium through playwright-core (no bundled browser is downloaded). In CI:
#   sh scripts/install-chromium.sh && REQUIRE_BROWSER=1 npm test
# With REQUIRE_BROWSER=1 a missing browser fails the test instead of skipping it.
set -eu
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version 2>/dev/null || true
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; install Chromium so that /usr/bin/chromium exists" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version 2>/dev/null || true

#!/bin/sh
# Installs the Debian packages the app (run) or the test suite (test) needs when they are missing.
# As root it uses apt-get; otherwise it names the packages and stops.
set -eu

RUN_PACKAGES="fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info openssl"
TEST_PACKAGES="chromium poppler-utils"

case "${1:-run}" in
  run)  wanted="$RUN_PACKAGES" ;;
  test) wanted="$RUN_PACKAGES $TEST_PACKAGES" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

# A fresh Debian has python3 without venv/ensurepip.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  wanted="$wanted python3-venv"
fi

missing=""
for package in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "These Debian packages are needed:$missing" >&2
  echo "Install them with: sudo apt-get install$missing" >&2
  exit 1
fi

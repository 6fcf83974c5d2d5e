#!/usr/bin/env bash
# Set up on first use, then run the whole test suite on SQLite and on PostgreSQL.
# The tests start their own PostgreSQL server and Chromium; this script only makes sure the
# Debian packages are there (installing them when run as root). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh requirements-dev.txt

have_system_deps() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null &&
    command -v chromium >/dev/null &&
    [ -x /usr/sbin/nginx ] &&
    fc-list 2>/dev/null | grep -qi "Noto Sans CJK"
}
if ! have_system_deps; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing PostgreSQL, Chromium, CJK fonts and nginx from Debian…" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql chromium fonts-noto-cjk nginx >/dev/null
  else
    echo "Note: PostgreSQL, Chromium, CJK fonts or nginx are missing and this is not root;" \
         "tests needing them will be skipped with the reason (sudo apt-get install postgresql chromium fonts-noto-cjk nginx)." >&2
  fi
fi
exec python -m pytest "$@"

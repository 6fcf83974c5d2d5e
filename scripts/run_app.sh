#!/usr/bin/env bash
# Set up on first use, then run the app on the embedded SQLite database with the demo data.
# Extra arguments go to `streamlit run` (e.g. --server.port 8600).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh requirements.txt
python -m data_access init-db
python -m data_access seed --if-empty
exec streamlit run app.py "$@"

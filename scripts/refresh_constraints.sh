#!/bin/sh
# Re-resolve the newest versions the registry offers, run the checks, and write constraints.txt.
# Run from the repository root: sh scripts/refresh_constraints.sh
set -eu
rm -rf .venv-refresh
python3 -m venv .venv-refresh
.venv-refresh/bin/python -m pip install -q --upgrade pip
.venv-refresh/bin/python -m pip install -q -e '.[dev,web,spark]'
{
  echo "# The versions make install / make test were last checked with (pip freeze, $(date +'%-d %B %Y'))."
  echo "# make passes this file to pip with -c, so CI installs what was tested even when the registry moves"
  echo "# (a newer mypy once turned 20 'type: ignore' comments into errors). Refresh: scripts/refresh_constraints.sh."
  .venv-refresh/bin/pip freeze --exclude-editable
} > constraints.txt
rm -rf .venv-refresh
echo "constraints.txt rewritten: run 'rm -rf .venv && make test' before committing it."

#!/usr/bin/env bash
# Mutation testing of the rule modules: periods, eligibility, quotas, tariffs, checks, booking,
# and the engine's plans and window tally.
#
# mutmut changes one thing at a time in those modules (a comparison, a constant, a return
# value...) and runs the tests that cover it; a mutant that no test notices "survives". The
# score is the share of mutants killed. Configuration: [tool.mutmut] in pyproject.toml.
# Takes up to half an hour on 2 cores; JOBS sets the number of parallel test runs.
#
#   bash scripts/mutation.sh            # run, then print the score and the survivors
#   .venv/bin/mutmut show NAME          # the change a surviving mutant makes
set -euo pipefail
cd "$(dirname "$0")/.."

python=.venv/bin/python
if [ ! -x "$python" ]; then
  python3 -m venv .venv
fi
"$python" -m pip install --quiet --upgrade 'pip>=25.1'
"$python" -m pip install --quiet -e '.[pandas,plots]' --group test --group mutation

rm -rf mutants
.venv/bin/mutmut run --max-children "${JOBS:-2}" > /dev/null 2>&1 || true
.venv/bin/mutmut export-cicd-stats > /dev/null 2>&1
"$python" - <<'PY'
import json
from pathlib import Path

stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
killed = stats["killed"] + stats.get("timeout", 0)
total = stats["total"] - stats.get("skipped", 0) - stats.get("not_checked", 0)
print(json.dumps(stats, indent=1))
print(f"mutation score: {killed}/{total} killed = {killed / total:.1%}")
PY
echo "survivors:"
.venv/bin/mutmut results 2>/dev/null | grep -v "^$" || true

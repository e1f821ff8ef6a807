"""``python -m inami_ppl``: the ``inami-ppl`` command."""

from __future__ import annotations

import sys

from inami_ppl.cli import main

if __name__ == "__main__":  # pragma: no branch
    sys.exit(main())

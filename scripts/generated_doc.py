"""The command line the document generators share: write the document, or with ``--check``
only say whether it is up to date."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(doc: Path, text: str, argv: list[str], script: str) -> int:
    """Write ``text`` to ``doc`` (0); with ``--check`` in ``argv``, exit status 1 when ``doc``
    is missing or differs from ``text``, telling to run ``script``."""
    if "--check" in argv:
        if not doc.exists() or doc.read_text(encoding="utf-8") != text:
            print(f"{doc} is out of date: run python {script}", file=sys.stderr)
            return 1
        return 0
    doc.write_text(text, encoding="utf-8")
    print(f"wrote {doc}")
    return 0

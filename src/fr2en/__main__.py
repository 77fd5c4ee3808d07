"""``python -m fr2en``."""

from __future__ import annotations

from fr2en.cli import run

if __name__ == "__main__":
    run()

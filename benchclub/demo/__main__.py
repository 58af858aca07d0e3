"""`python -m benchclub.demo --print-logins`: the demo accounts, without touching a database."""
from __future__ import annotations

import argparse

from . import format_logins


def main(argv: list[str] | None = None) -> int:
    """Parse the options and print what was asked for."""
    parser = argparse.ArgumentParser(prog="python -m benchclub.demo", description="The BenchClub demo club.")
    parser.add_argument("--print-logins", action="store_true", help="print the demo accounts and exit")
    args = parser.parse_args(argv)
    if not args.print_logins:
        parser.print_help()
        return 0
    print(format_logins())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

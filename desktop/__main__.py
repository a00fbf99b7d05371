"""Command-line entry point: ``embeddable-desktop`` and ``python -m desktop``."""

import sys


def main() -> int:
    """Parse the command line and run the app; Qt is imported only after the options are valid."""
    from desktop.ui.app import run

    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

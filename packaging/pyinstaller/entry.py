"""What the frozen bundle runs: the same entry point as the pip-installed ``embeddable-desktop`` command."""

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())

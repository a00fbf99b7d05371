"""Command-line entry point: ``embeddable-desktop`` and ``python -m desktop``.

``embeddable-desktop config ...`` and ``embeddable-desktop secrets ...`` are terminal tools that never
start Qt; anything else starts the app.
"""

import sys


def main() -> int:
    """Dispatch to a terminal tool or run the app; Qt is imported only once the options are valid."""
    argv = sys.argv[1:]
    if "--version" in argv:
        from desktop.ui.versions import print_versions

        return print_versions()
    if argv[:1] == ["config"]:
        from desktop.config_cli import main as config_main

        return config_main(argv[1:])
    if argv[:1] == ["secrets"]:
        from desktop.secrets_cli import main as secrets_main

        return secrets_main(argv[1:])
    from desktop.ui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())

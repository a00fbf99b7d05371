"""The thin Qt shell around the core and the services."""

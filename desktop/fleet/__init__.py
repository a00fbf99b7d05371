"""Policy as data for fleet tools, generated from the settings schema: JSON Schema, ADMX/ADML, the macOS
configuration profile, example policies and the docs' key table; and ``embeddable-desktop policy check``.

Each generator module has ``render() -> dict[str, str | bytes]``: repository paths and their contents.
``python packaging/build.py templates`` writes them all, and a test checks that the committed files match, so
no template can drift from the schema.
"""

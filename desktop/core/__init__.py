"""Pure core: options, URL and OAuth logic, policies and pages. Never imports Qt (a test enforces it)."""

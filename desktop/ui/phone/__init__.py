"""The phone: the widget's page, the bridge, its profile, what it says (events, calls), and the Phone object
every other part acts through."""

"""Strict stand-ins for the RingCentral platform and the Embeddable widget, for tests.

``tls`` makes a throw-away CA, ``platform`` runs a fake RingCentral platform over https that also serves
the fake widget (``widget/``) from its own origin, as the real ``app.html`` CSP demands.
"""

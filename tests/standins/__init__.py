"""Stand-ins for what the tests cannot reach: a fake RingCentral platform and a fake Embeddable widget."""

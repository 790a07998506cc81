"""One module per screen; each exposes ``router``."""

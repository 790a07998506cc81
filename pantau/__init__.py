"""Pantau: collect public interactions with candidates' accounts and find civil servants among them."""

__version__ = "0.1.0"

"""Matching actors against the roster: normalise, block, compare, score. Plain records in, candidates out.

No database, Scrapy or web imports here (a test checks).
"""

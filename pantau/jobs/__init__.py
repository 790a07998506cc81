"""The stages of Pantau as functions: sync, crawl, match, evidence, purge, and the nightly job.

Only ``pantau.jobs`` and ``pantau.cli`` join stages together; each stage module
takes settings and a database and returns a small result record.
"""

"""Pantau's Scrapy project: spiders, middlewares, pipelines, selector profiles.

It imports ``storage`` but never ``pantau``: the application hands it a plain
JSON config (see ``crawler.process``) and runs it in a child process, because
the Twisted reactor cannot be restarted within one process.
"""

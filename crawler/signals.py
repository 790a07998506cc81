"""Pantau's own Scrapy signals: how components tell each other about accounts.

Sent with ``crawler.signals.send_catch_log(signal, ...)``; receivers connect
in ``from_crawler`` (or the spider in ``from_crawler``). Figures travel in
``crawler.stats`` (see ``crawler.accountstats``), events in these signals:
no component changes another's state.
"""

#: An account could not be (fully) collected. Arguments: ``account_id``, ``status``
#: (``failed`` or ``budget``), ``message``. Sent by the spider (``fail_account``), the spider
#: middleware (exceptions of callbacks), the spider's errback (download failures) and the
#: pipeline (invalid records). ``AccountStatusMiddleware`` records it; the spider stops
#: advancing that account's cursors.
account_failed = object()

#: An event for the parent process. Argument: ``event`` (a JSON-able dict, see
#: ``crawler.events``). Sent by ``crawler.extensions.RunStats``; the crawl child connects its
#: ``crawler.events.EventWriter`` to it.
report = object()

"""Citizen reports (laporan warga): what the public form at ``/lapor`` accepts, and what reviewers do with it.

The library speaks codes, not words: a refused field or image comes back as a
problem code (``link.scheme``, ``image.type`` ...) that the review app turns into
a sentence in the reader's language. Nothing here starts a crawl: a report only
reaches a spider when a reviewer adds an account to a watchlist.

- ``form``       field limits and checks of one submission
- ``images``     magic-byte check, pixel limit, decode and re-encode (EXIF, GPS, trailers gone)
- ``ratelimit``  per-client and overall limits on salted address hashes, kept in memory briefly
- ``receipt``    receipt codes
- ``service``    storing a report, its status for the reporter, the reviewer's actions
- ``known``      what Pantau already knows about a report's links and named person
"""

from pantau.tips.form import Problem, Submission, validate
from pantau.tips.images import CleanImage, ImageRefused, clean_image
from pantau.tips.ratelimit import RateLimiter
from pantau.tips.receipt import new_code, normalise_code

__all__ = ["Problem", "Submission", "validate", "CleanImage", "ImageRefused", "clean_image",
           "RateLimiter", "new_code", "normalise_code"]

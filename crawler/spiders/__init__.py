"""Platform name -> spider class, for every platform the registry says is crawled.

The registry (storage/platforms.py) says which platforms a spider collects;
each spider names its platform, and tests/test_platforms.py fails when a crawled
registry entry has no spider here.
"""

from crawler.spiders.bluesky import BlueskySpider
from crawler.spiders.mastodon import MastodonSpider
from crawler.spiders.web import WebSpider
from crawler.spiders.x import XSpider
from crawler.spiders.youtube import YouTubeSpider

SPIDERS = {cls.platform: cls for cls in (MastodonSpider, BlueskySpider, YouTubeSpider, WebSpider, XSpider)}

__all__ = ["SPIDERS"]

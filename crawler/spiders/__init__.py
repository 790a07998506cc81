"""The one list of crawled platforms: platform name -> spider class."""

from crawler.spiders.bluesky import BlueskySpider
from crawler.spiders.mastodon import MastodonSpider
from crawler.spiders.web import WebSpider
from crawler.spiders.youtube import YouTubeSpider

SPIDERS = {
    "mastodon": MastodonSpider,
    "bluesky": BlueskySpider,
    "youtube": YouTubeSpider,
    "web": WebSpider,
}

__all__ = ["SPIDERS"]

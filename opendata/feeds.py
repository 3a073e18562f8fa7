"""RSS and Atom feeds of newly published profiles (``/feeds/steckbriefe.rss|atom``)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from cooperations.models import CooperationPage

FEED_SIZE = 50


class ProfileFeed(Feed):
    title = "Kooperationsatlas – neue Steckbriefe"
    description = "Die zuletzt veröffentlichten Steckbriefe interkommunaler Kooperationen."
    language = "de"

    def link(self):
        return reverse("search:page")

    def items(self):
        return (
            CooperationPage.objects.live()
            .public()
            .filter(first_published_at__isnull=False)
            .order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at


class ProfileAtomFeed(ProfileFeed):
    feed_type = Atom1Feed
    subtitle = ProfileFeed.description

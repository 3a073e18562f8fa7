"""RSS and Atom feeds of newly published profiles (``/feeds/steckbriefe.rss|atom``).

Links are absolute on the public host (``kooperationsatlas.links``). The feed's methods get
only the item, so ``get_object`` hands the request to ``items``, which pairs every page
with its link.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from cooperations.models import CooperationPage
from kooperationsatlas import links

FEED_SIZE = 50


@dataclass(frozen=True)
class FeedItem:
    page: CooperationPage
    link: str


class ProfileFeed(Feed):
    title = "Kooperationsatlas – neue Steckbriefe"
    description = "Die zuletzt veröffentlichten Steckbriefe interkommunaler Kooperationen."
    language = "de"

    def get_object(self, request, *args, **kwargs):
        return request

    def link(self, request):
        return links.absolute_url(reverse("search:page"), request)

    def feed_url(self, request):
        return links.absolute_url(request.path, request)

    def items(self, request):
        pages = (
            CooperationPage.objects.live()
            .public()
            .filter(first_published_at__isnull=False)
            .order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )
        return [FeedItem(page, links.page_url(page, request)) for page in pages]

    def item_title(self, item):
        return item.page.title

    def item_description(self, item):
        return item.page.summary

    def item_link(self, item):
        return item.link

    def item_pubdate(self, item):
        return item.page.first_published_at

    def item_updateddate(self, item):
        return item.page.last_published_at


class ProfileAtomFeed(ProfileFeed):
    feed_type = Atom1Feed
    subtitle = ProfileFeed.description

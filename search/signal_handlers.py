"""Signals that change what the search index must contain (see indexing.py).

Only the affected profiles are updated, after the transaction commits: publishing,
unpublishing, moving, slug changes and privacy changes of pages, deleting a profile, and
editing or deleting a taxonomy term or a tag. Editors' synonym groups change no document:
saving or deleting one bumps the index version, so every process reloads the thesaurus.
Register imports are not followed (they change thousands of rows in bulk): run
``manage.py rebuild_search_index`` after one.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cooperations.models import CooperationPage

from .indexing import (
    TERM_LOOKUPS,
    profiles_below,
    profiles_using_term,
    profiles_with_tag,
    update_profiles,
)


def profile_published_or_unpublished(sender, instance, **kwargs):
    if isinstance(instance, CooperationPage):
        update_profiles([instance.pk])


def profile_deleted(sender, instance, **kwargs):
    update_profiles([instance.pk])


def page_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    if url_path_before != url_path_after:
        update_profiles(profiles_below(instance))


def slug_changed(sender, instance, **kwargs):
    update_profiles(profiles_below(instance))


def view_restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()  # gone when the page was deleted
    if page is not None:
        update_profiles(profiles_below(page))


def term_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        update_profiles(profiles_using_term(instance))


def term_deleting(sender, instance, **kwargs):
    # Read now: after the delete the profiles no longer point to the term.
    update_profiles(profiles_using_term(instance))


def tag_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        update_profiles(profiles_with_tag(instance))


def synonyms_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        from .models import IndexVersion

        # No document changed: every process keeps its facet index, only the stamp (and
        # with it the thesaurus) is new.
        IndexVersion.bump(page_ids=[])


def register():
    """Connect the handlers (SearchConfig.ready)."""
    page_published.connect(profile_published_or_unpublished, dispatch_uid="search_published")
    page_unpublished.connect(profile_published_or_unpublished, dispatch_uid="search_unpublished")
    post_delete.connect(profile_deleted, sender=CooperationPage, dispatch_uid="search_deleted")
    post_page_move.connect(page_moved, dispatch_uid="search_moved")
    page_slug_changed.connect(slug_changed, dispatch_uid="search_slug_changed")
    for signal in (post_save, post_delete):
        signal.connect(
            view_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"search_restriction_{id(signal)}",
        )
    for model in TERM_LOOKUPS:
        post_save.connect(
            term_saved, sender=model, dispatch_uid=f"search_term_saved_{model.__name__}"
        )
        pre_delete.connect(
            term_deleting, sender=model, dispatch_uid=f"search_term_deleting_{model.__name__}"
        )
    from .models import SynonymGroup

    for signal in (post_save, post_delete):
        signal.connect(
            synonyms_changed, sender=SynonymGroup, dispatch_uid=f"search_synonyms_{id(signal)}"
        )
    post_save.connect(tag_changed, sender=Tag, dispatch_uid="search_tag_saved")
    pre_delete.connect(tag_changed, sender=Tag, dispatch_uid="search_tag_deleting")

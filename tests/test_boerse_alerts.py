"""End to end across the Börse and the alerts: a moderator approves an entry in the queue,
and a saved partner search that fits it gets exactly one email."""

import pytest
from django.contrib.auth.models import Group

from alerts.models import AlertDelivery, SavedSearch
from boerse.models import EntryKind, EntryStatus
from register.models import Municipality
from tests.test_boerse import approve_via_queue, area, make_entry, make_user

pytestmark = pytest.mark.django_db


def test_approval_in_the_queue_alerts_a_matching_saved_search(
    mailoutbox, django_capture_on_commit_callbacks
):
    poster = make_user("poster", ags="05974016")  # Erwitte
    seeker = make_user("seeker", ags="05974004")  # Anröchte
    moderator = make_user("moderatorin")
    moderator.groups.add(Group.objects.get(name="Moderation"))
    saved = SavedSearch.objects.create(
        user=seeker,
        name="Beihilfe in der Nähe",
        near_municipality=Municipality.objects.get(ags="05974004"),
        radius_km=25,
        include_profiles=False,
    )
    saved.task_areas.set([area("personal-beihilfe")])
    entry = make_entry(poster, status=EntryStatus.SUBMITTED, kind=EntryKind.OFFER)

    with django_capture_on_commit_callbacks(execute=True):
        response = approve_via_queue(moderator, entry)

    assert response.status_code in (302, 303)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    alerts = [mail for mail in mailoutbox if "seeker@poster.example" in mail.to]
    assert len(alerts) == 1
    assert entry.title in alerts[0].body
    assert f"/boerse/{entry.pk}/" in alerts[0].body
    assert AlertDelivery.objects.filter(saved_search=saved, object_id=entry.pk).count() == 1

    # Approving again (e.g. after an edit) never sends the same alert twice.
    entry.status = EntryStatus.SUBMITTED
    entry.save()
    with django_capture_on_commit_callbacks(execute=True):
        approve_via_queue(moderator, entry)
    assert len([mail for mail in mailoutbox if "seeker@poster.example" in mail.to]) == 1

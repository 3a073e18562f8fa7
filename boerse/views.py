"""Public list and detail, the account's own entries, interest messages and moderation."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kooperationsatlas.throttle import rate_limit

from .forms import EntryForm, FilterForm, InterestForm, ModerationForm, RenewForm
from .models import BoerseEntry, EntryStatus
from .services import (
    account_of,
    acts_for_entry,
    approve,
    body_filter,
    can_post,
    can_renew,
    can_view,
    deliver_interest,
    is_moderator,
    reject,
)

ENTRY_RELATED = ("municipality__county", "municipality__state", "county__state", "created_by")


def forbidden(request, reason):
    return render(request, "boerse/forbidden.html", {"reason": reason}, status=403)


def entry_list(request):
    form = FilterForm(request.GET or None)
    entries = BoerseEntry.objects.public().select_related(*ENTRY_RELATED)
    status = 200
    if form.is_bound and not form.is_valid():
        entries = entries.none()
        status = 400
    elif form.is_bound:
        data = form.cleaned_data
        if data["art"]:
            entries = entries.filter(kind=data["art"])
        if data["aufgabe"]:
            areas = data["aufgabe"].descendants_and_self()
            entries = entries.filter(task_areas__in=areas)
        if data["land"]:
            state = data["land"]
            entries = entries.filter(
                Q(municipality__state=state)
                | Q(county__state=state)
                | Q(region_counties__state=state)
            )
        if data["kreis"]:
            county = data["kreis"]
            entries = entries.filter(
                Q(municipality__county=county) | Q(county=county) | Q(region_counties=county)
            )
        entries = entries.distinct()
    page = Paginator(entries.prefetch_related("task_areas"), 20).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "boerse/entry_list.html",
        {
            "form": form,
            "page_obj": page,
            "entries": page.object_list,
            "query": query.urlencode(),
            "can_post": can_post(request.user),
        },
        status=status,
    )


def _visible_entry(request, pk):
    entry = get_object_or_404(BoerseEntry.objects.select_related(*ENTRY_RELATED), pk=pk)
    if not can_view(request.user, entry):
        raise Http404("Kein öffentlicher Eintrag.")
    return entry


def entry_detail(request, pk):
    entry = _visible_entry(request, pk)
    return _render_detail(request, entry, InterestForm())


def received_interest(entry):
    """The interest messages an entry received, newest first, with the senders' bodies."""
    return list(
        entry.interest_messages.select_related(
            "sender__municipal_account__municipality", "sender__municipal_account__county"
        )
    )


def _render_detail(request, entry, interest_form, status=200):
    own = acts_for_entry(request.user, entry)
    return render(
        request,
        "boerse/entry_detail.html",
        {
            "entry": entry,
            "own": own,
            "manage": own and can_post(request.user),
            "moderator": is_moderator(request.user),
            "renewable": can_renew(entry),
            "interest_form": interest_form,
            "may_send_interest": entry.is_public and not own,
            # Only the poster's body sees what it received (never other visitors).
            "received": received_interest(entry) if own else None,
        },
        status=status,
    )


def _own_entry(request, pk):
    """The entry, if it belongs to the account's body; 404 otherwise (no hint it exists)."""
    account = account_of(request.user)
    queryset = BoerseEntry.objects.filter(body_filter(account)).select_related(*ENTRY_RELATED)
    return get_object_or_404(queryset, pk=pk)


def _posting_refused(request):
    if account_of(request.user) is None:
        return forbidden(request, "Ihr Benutzerkonto ist keiner Kommune zugeordnet.")
    return forbidden(
        request,
        "Ihr kommunales Konto ist noch nicht bestätigt. Die Moderation prüft es; "
        "danach können Sie Einträge veröffentlichen.",
    )


@login_required
@rate_limit("boerse-entry", 10, 60 * 60)
def entry_create(request):
    if not can_post(request.user):
        return _posting_refused(request)
    account = account_of(request.user)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            entry = form.save(commit=False)
            # The body comes from the account, never from the request.
            entry.municipality = account.municipality
            entry.county = account.county
            entry.created_by = request.user
            entry.status = (
                EntryStatus.SUBMITTED
                if request.POST.get("action") == "submit"
                else EntryStatus.DRAFT
            )
            entry.save()
            form.save_m2m()
        messages.success(request, _saved_message(entry))
        return redirect(entry.get_absolute_url())
    return render(
        request,
        "boerse/entry_form.html",
        {"form": form, "account": account, "entry": None},
        status=400 if form.is_bound else 200,
    )


def _saved_message(entry):
    if entry.status == EntryStatus.SUBMITTED:
        return "Der Eintrag wurde zur Freigabe eingereicht. Die Moderation prüft ihn."
    return "Der Eintrag wurde als Entwurf gespeichert."


@login_required
def entry_edit(request, pk):
    if not can_post(request.user):
        return _posting_refused(request)
    entry = _own_entry(request, pk)
    was = entry.status
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            entry = form.save(commit=False)
            # An edited approved (or pending) entry goes back to moderation.
            if request.POST.get("action") == "submit" or was in (
                EntryStatus.APPROVED,
                EntryStatus.SUBMITTED,
            ):
                entry.status = EntryStatus.SUBMITTED
            else:
                entry.status = EntryStatus.DRAFT
            entry.save()
            form.save_m2m()
        messages.success(request, _saved_message(entry))
        return redirect(entry.get_absolute_url())
    return render(
        request,
        "boerse/entry_form.html",
        {"form": form, "account": account_of(request.user), "entry": entry},
        status=400 if form.is_bound else 200,
    )


def _bad_transition(request, entry, text):
    messages.error(request, text)
    return render(request, "boerse/entry_error.html", {"entry": entry, "reason": text}, status=400)


@login_required
@require_POST
def entry_submit(request, pk):
    if not can_post(request.user):
        return _posting_refused(request)
    entry = _own_entry(request, pk)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.REJECTED, EntryStatus.WITHDRAWN):
        return _bad_transition(request, entry, "Dieser Eintrag kann nicht eingereicht werden.")
    entry.status = EntryStatus.SUBMITTED
    entry.save(update_fields=["status", "updated_at"])
    messages.success(request, _saved_message(entry))
    return redirect(entry.get_absolute_url())


@login_required
@require_POST
def entry_withdraw(request, pk):
    if not can_post(request.user):
        return _posting_refused(request)
    entry = _own_entry(request, pk)
    if entry.status not in (EntryStatus.SUBMITTED, EntryStatus.APPROVED):
        return _bad_transition(request, entry, "Dieser Eintrag kann nicht zurückgezogen werden.")
    entry.status = EntryStatus.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    messages.success(request, "Der Eintrag wurde zurückgezogen und ist nicht mehr öffentlich.")
    return redirect(entry.get_absolute_url())


@login_required
def entry_renew(request, pk):
    if not can_post(request.user):
        return _posting_refused(request)
    entry = _own_entry(request, pk)
    if not can_renew(entry):
        return _bad_transition(
            request,
            entry,
            "Nur freigegebene Einträge, die abgelaufen sind oder bald ablaufen, "
            "können verlängert werden.",
        )
    initial = {"expires_on": timezone.localdate() + timedelta(days=180)}
    form = RenewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry.expires_on = form.cleaned_data["expires_on"]
        entry.reminder_sent_at = None  # remind again before the new date
        entry.save(update_fields=["expires_on", "reminder_sent_at", "updated_at"])
        messages.success(
            request, f"Der Eintrag wurde bis zum {entry.expires_on:%d.%m.%Y} verlängert."
        )
        return redirect(entry.get_absolute_url())
    return render(
        request,
        "boerse/entry_renew.html",
        {"entry": entry, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@rate_limit("boerse-interest", 10, 60 * 60)
def entry_interest(request, pk):
    entry = get_object_or_404(BoerseEntry.objects.public().select_related(*ENTRY_RELATED), pk=pk)
    if request.method != "POST":  # e.g. back from the login page: show the form
        return redirect(f"{entry.get_absolute_url()}#interest-heading")
    if acts_for_entry(request.user, entry):
        return _bad_transition(
            request, entry, "Sie können kein Interesse an einem eigenen Eintrag bekunden."
        )
    form = InterestForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, entry, form, status=400)
    interest = form.save(commit=False)
    interest.entry = entry
    interest.sender = request.user
    interest.save()
    delivered = deliver_interest(interest)
    if delivered:
        messages.success(
            request,
            "Ihre Nachricht wurde über den Kooperationsatlas an die Kommune weitergeleitet.",
        )
    else:  # the poster has no mail address: the message waits on the entry's page
        messages.warning(
            request,
            "Ihre Nachricht wurde gespeichert. Die Kommune sieht sie auf der Seite ihres "
            "Eintrags; per E-Mail kann sie nicht benachrichtigt werden.",
        )
    return redirect(entry.get_absolute_url())


# --- moderation --------------------------------------------------------------------------


@login_required
def moderation_queue(request):
    if not is_moderator(request.user):
        return forbidden(request, "Die Moderationsliste ist nur für die Moderation sichtbar.")
    pending = (
        BoerseEntry.objects.filter(status=EntryStatus.SUBMITTED)
        .select_related(*ENTRY_RELATED)
        .order_by("updated_at")
    )
    recent = (
        BoerseEntry.objects.filter(moderated_at__isnull=False)
        .select_related(*ENTRY_RELATED)
        .order_by("-moderated_at")[:20]
    )
    return render(request, "boerse/moderation_queue.html", {"pending": pending, "recent": recent})


@login_required
def moderation_entry(request, pk):
    if not is_moderator(request.user):
        return forbidden(request, "Nur die Moderation kann Einträge freigeben.")
    entry = get_object_or_404(BoerseEntry.objects.select_related(*ENTRY_RELATED), pk=pk)
    form = ModerationForm(request.POST or None)
    if request.method == "POST":
        if entry.status != EntryStatus.SUBMITTED:
            return _bad_transition(request, entry, "Dieser Eintrag wartet nicht auf Freigabe.")
        if form.is_valid():
            note = form.cleaned_data["note"].strip()
            if form.cleaned_data["decision"] == "freigeben":
                approve(entry, request.user, note)
                messages.success(request, f"„{entry.title}“ wurde freigegeben.")
            else:
                reject(entry, request.user, note)
                messages.success(request, f"„{entry.title}“ wurde abgelehnt.")
            return redirect("boerse:moderation")
    return render(
        request,
        "boerse/moderation_entry.html",
        {"entry": entry, "form": form},
        status=400 if form.is_bound else 200,
    )

"""Saved partner searches: list, create, edit, delete, (de)activate; one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cooperations.models import TaskArea
from register.models import County

from .forms import SavedSearchForm
from .models import SavedSearch
from .notify import saved_search_from_token


def _own(request, pk):
    """The user's own saved search; 404 for anybody else's."""
    return get_object_or_404(SavedSearch, pk=pk, user=request.user)


@login_required
def saved_search_list(request):
    searches = (
        SavedSearch.objects.filter(user=request.user)
        .select_related("near_municipality__county")
        .prefetch_related("task_areas", "counties")
    )
    for search in searches:
        kinds = [
            label
            for flag, label in (
                (search.include_profiles, "neuen Steckbriefen"),
                (search.include_offers, "neuen Angeboten"),
                (search.include_requests, "neuen Gesuchen"),
            )
            if flag
        ]
        search.kinds_label = ", ".join(kinds)
    return render(request, "alerts/list.html", {"searches": searches})


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_create(request):
    return _edit(request, SavedSearch(user=request.user), created=True)


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_edit(request, pk):
    return _edit(request, _own(request, pk), created=False)


def _edit(request, instance, *, created):
    if request.method == "POST":
        form = SavedSearchForm(request.POST, instance=instance)
        if form.is_valid():
            saved = form.save()
            verb = "gespeichert" if created else "geändert"
            messages.success(request, f"Der Suchauftrag „{saved.name}“ wurde {verb}.")
            return redirect("alerts:list")
        status = 400
    else:
        form = SavedSearchForm(instance=instance, initial=_initial_from_query(request, created))
        status = 200
    return render(
        request,
        "alerts/form.html",
        {"form": form, "saved_search": None if created else instance, "created": created},
        status=status,
    )


def _initial_from_query(request, created):
    """Prefill a new search from the search page's parameters (q, aufgabe, kreis, ort,
    umkreis), so a "Suche speichern" link can pass the current search along."""
    if not created:
        return {}
    params, initial = request.GET, {}
    text = " ".join(params.get("q", "").split())[:300]
    if text:
        initial["text"] = text
        initial["name"] = text[:200]
    slugs = [slug for slug in params.getlist("aufgabe") if slug][:50]
    if slugs:
        initial["task_areas"] = list(
            TaskArea.objects.filter(slug__in=slugs).values_list("pk", flat=True)
        )
    keys = [key for key in params.getlist("kreis") if key][:50]
    if keys:
        initial["counties"] = list(County.objects.filter(key__in=keys).values_list("pk", flat=True))
    place = " ".join(params.get("ort", "").split())[:200]
    if place:
        initial["ort"] = place
        radius = params.get("umkreis", "").strip()
        initial["radius_km"] = int(radius) if radius.isdigit() and len(radius) < 4 else None
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_delete(request, pk):
    saved_search = _own(request, pk)
    if request.method == "POST":
        name = saved_search.name
        saved_search.delete()
        messages.success(request, f"Der Suchauftrag „{name}“ wurde gelöscht.")
        return redirect("alerts:list")
    return render(request, "alerts/confirm_delete.html", {"saved_search": saved_search})


@login_required
@require_POST
def saved_search_toggle(request, pk):
    saved_search = _own(request, pk)
    saved_search.active = not saved_search.active
    saved_search.save(update_fields=["active"])
    state = "aktiviert" if saved_search.active else "deaktiviert"
    messages.success(request, f"E-Mails zum Suchauftrag „{saved_search.name}“ sind {state}.")
    return redirect("alerts:list")


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One click from the email, no login: GET asks, POST deactivates."""
    saved_search = saved_search_from_token(token)
    if saved_search is None:
        return render(request, "alerts/unsubscribe_invalid.html", status=400)
    done = False
    if request.method == "POST":
        if saved_search.active:
            saved_search.active = False
            saved_search.save(update_fields=["active"])
        done = True
    return render(
        request,
        "alerts/unsubscribe.html",
        {"saved_search": saved_search, "done": done, "token": token},
    )

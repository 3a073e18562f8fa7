"""Partners complete their own profile: "Steckbrief ergänzen" (cooperations/proposals.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from kooperationsatlas.throttle import rate_limit

from .forms import ProposalForm
from .models import CooperationPage
from .proposals import can_propose, initial_data, submit_proposal

NOT_A_PARTNER = (
    "Ergänzen können nur bestätigte kommunale Konten der Partner dieses Steckbriefs. Wenn "
    "Ihre Kommune beteiligt ist, aber nicht als Partner genannt wird, schreiben Sie bitte der "
    "Redaktion."
)
IN_REVIEW = (
    "Für diesen Steckbrief liegt bereits eine Änderung zur Prüfung bei der Moderation. "
    "Sobald sie entschieden ist, können Sie weitere Ergänzungen vorschlagen."
)


@login_required
@rate_limit("profile-proposal", 10, 60 * 60)
def propose(request, pk):
    page = get_object_or_404(CooperationPage.objects.live().public(), pk=pk)
    if not can_propose(request.user, page):
        return render(request, "reports/forbidden.html", {"reason": NOT_A_PARTNER}, status=403)
    if page.workflow_in_progress:
        return render(request, "reports/forbidden.html", {"reason": IN_REVIEW}, status=409)
    initial = initial_data(page.get_latest_revision_as_object())
    if request.method == "POST":
        form = ProposalForm(request.POST)
        if form.is_valid():
            if form.has_proposal(initial):
                submit_proposal(request.user, page, form.cleaned_data)
                return render(request, "cooperations/proposal_sent.html", {"profile": page})
            form.add_error(None, "Sie haben nichts geändert.")
    elif request.method == "GET":
        form = ProposalForm(initial=initial)
    else:
        raise Http404
    return render(
        request,
        "cooperations/proposal_form.html",
        {"form": form, "profile": page},
        status=400 if form.is_bound else 200,
    )

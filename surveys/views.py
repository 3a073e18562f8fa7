"""Answering an Erhebung (verified accounts, invitation links) and coordinating it.

Every view here shows private data of one body or of a campaign: never cached.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from kooperationsatlas.throttle import rate_limit
from reports.forms import resolve_register_partner

from . import drafts, export, progress, services
from .forms import ExtraQuestionsForm, TaskAnswerForm, neighbour_choices
from .models import Campaign, Invitation, TaskAnswer

ACTION_DRAFT = "entwurf"
ACTION_SUBMIT = "absenden"


def refused(request, reason, *, status=403, campaign=None):
    return render(
        request, "surveys/refused.html", {"reason": reason, "campaign": campaign}, status=status
    )


# --- the respondent's pages ------------------------------------------------------------------


@never_cache
@login_required
@require_safe
def campaign_list(request):
    campaigns = services.campaigns_for(request.user)
    body = services.verified_body(request.user)
    responses = {}
    if body is not None:
        lookup = {k: v for k, v in body.items() if v}
        for campaign in campaigns:
            responses[campaign.pk] = campaign.responses.filter(**lookup).first()
    items = [
        {"campaign": campaign, "response": responses.get(campaign.pk)} for campaign in campaigns
    ]
    coordinated = Campaign.objects.all() if services.is_coordinator(request.user) else []
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "items": items,
            "has_body": body is not None,
            "coordinated": coordinated,
            "now": timezone.now(),
        },
    )


def _questionnaire(campaign, respondent, response, data=None, *, submitting=False):
    """The forms of the questionnaire, filled from ``data`` or from the saved response."""
    groups = neighbour_choices(**respondent.body_fields())
    values = {value for _, choices in groups for value, _ in choices}
    saved = {answer.task_area_id: answer for answer in response.answers.all()} if response else {}
    own = ("m", respondent.municipality.pk) if respondent.municipality else (
        "c",
        respondent.county.pk,
    )
    forms = []
    for area in campaign.asked_task_areas():
        forms.append(
            TaskAnswerForm(
                data,
                prefix=f"a{area.pk}",
                area=area,
                neighbours=groups,
                own=own,
                submitting=submitting,
                initial=TaskAnswerForm.initial_from(saved.get(area.pk), values),
            )
        )
    initial = {}
    if response is not None:
        initial = {
            name: getattr(response, name)
            for name in (
                "digitalisation",
                "staff_shortage",
                "cooperation_interest",
                "remarks",
                "interest_public",
            )
        }
    extra = ExtraQuestionsForm(data, prefix="z", campaign=campaign, initial=initial)
    # Checkbox ids run on across the groups: id_a5-neighbours_0, _1, …
    indexed, index = [], 0
    for group, choices in groups:
        numbered = [(value, label, index + i) for i, (value, label) in enumerate(choices)]
        indexed.append((group, numbered))
        index += len(choices)
    return forms, extra, indexed


def _error_summary(forms, extra):
    """[(anchor, text)] for every field error. A radio or checkbox group is linked at its
    question (``<id>_group``): from there Tab enters the group, also without JavaScript."""
    items = []
    for form in [*forms, extra]:
        for name, errors in form.errors.items():
            bound = form[name]
            grouped = name in ("status", "neighbours", "shared_service_centre") or (
                form is extra and name not in ("remarks", "interest_public")
            )
            anchor = f"{bound.auto_id}_group" if grouped else bound.auto_id
            prefix = f"{form.legend} – " if form is not extra else ""
            for error in errors:
                items.append((anchor, f"{prefix}{bound.label}: {error}"))
    return items


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("survey-answer", 120, 60 * 60)
def answer(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    respondent = services.respondent_for(request, campaign)
    if respondent is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return refused(
            request,
            "Diese Erhebung richtet sich nicht an Ihre Kommune, oder Ihr Benutzerkonto ist "
            "keiner bestätigten Gemeinde und keinem bestätigten Kreis zugeordnet.",
            campaign=campaign,
        )
    if not campaign.has_started():
        return refused(
            request,
            f"Diese Erhebung beginnt am {campaign.starts_on:%d.%m.%Y}.",
            campaign=campaign,
        )
    response = services.response_of(campaign, respondent)
    if not campaign.is_example and not campaign.is_open():
        if request.method == "POST":
            return refused(
                request,
                f"Die Frist dieser Erhebung ist am {campaign.deadline:%d.%m.%Y} abgelaufen; "
                "Angaben können nicht mehr gespeichert werden.",
                campaign=campaign,
            )
        return _summary(request, campaign, respondent, response)
    submitted = response is not None and response.is_submitted
    if request.method == "POST":
        if campaign.is_example:
            return refused(
                request,
                "Dies ist eine Beispiel-Erhebung: Antworten können nicht gespeichert werden.",
                campaign=campaign,
            )
        action = request.POST.get("action")
        if action not in (ACTION_DRAFT, ACTION_SUBMIT):
            return refused(
                request,
                "Unbekannte Aktion: bitte „Entwurf speichern“ oder „Absenden“ verwenden.",
                status=400,
                campaign=campaign,
            )
        # A submitted response stays submitted: a change is submitted again, complete.
        submitting = action == ACTION_SUBMIT or submitted
        forms, extra, groups = _questionnaire(
            campaign, respondent, response, request.POST, submitting=submitting
        )
        if all(form.is_valid() for form in forms) and extra.is_valid():
            response = services.save_response(
                campaign,
                respondent,
                extra.cleaned_data,
                {form.area: form.cleaned_data for form in forms},
                submit=submitting,
            )
            if submitting:
                services.notify_submitted(response, respondent, request)
                return redirect("surveys:confirmation", pk=campaign.pk)
            messages.success(
                request,
                "Ihr Entwurf ist gespeichert. Sie können ihn bis zum "
                f"{campaign.deadline:%d.%m.%Y} ändern und absenden.",
            )
            return redirect("surveys:answer", pk=campaign.pk)
        status = 400
    else:
        forms, extra, groups = _questionnaire(campaign, respondent, response)
        status = 200
    return render(
        request,
        "surveys/answer.html",
        {
            "campaign": campaign,
            "respondent": respondent,
            "response": response,
            "submitted": submitted,
            "forms": forms,
            "extra": extra,
            "neighbour_groups": groups,
            "errors": _error_summary(forms, extra) if status == 400 else [],
            "joint": TaskAnswer.Status.JOINT,
        },
        status=status,
    )


def _answers(campaign, response):
    """[(task area, answer or None)] in the questionnaire's order."""
    saved = {}
    if response is not None:
        saved = {
            answer.task_area_id: answer
            for answer in response.answers.select_related("legal_form__parent").prefetch_related(
                "partner_municipalities", "partner_counties"
            )
        }
    return [(area, saved.get(area.pk)) for area in campaign.asked_task_areas()]


@never_cache
@require_safe
def confirmation(request, pk):
    campaign = get_object_or_404(Campaign, pk=pk)
    respondent = services.respondent_for(request, campaign)
    if respondent is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return refused(
            request, "Diese Erhebung richtet sich nicht an Ihre Kommune.", campaign=campaign
        )
    response = services.response_of(campaign, respondent)
    if response is None or not response.is_submitted:
        return redirect("surveys:answer", pk=campaign.pk)
    return _summary(request, campaign, respondent, response)


def _summary(request, campaign, respondent, response):
    """A body's answers as given (after submitting, or once the deadline has passed)."""
    return render(
        request,
        "surveys/summary.html",
        {
            "campaign": campaign,
            "respondent": respondent,
            "response": response,
            "answers": _answers(campaign, response),
            "closed": not campaign.is_open(),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("survey-invitation", 20, 60 * 60)
def invitation(request, token):
    found = Invitation.for_token(token)
    try:
        services.check_invitation(found)
    except services.InvitationError as error:
        return refused(request, str(error), status=400)
    if request.method == "POST":
        try:
            services.redeem_invitation(request, found)
        except services.InvitationError as error:
            return refused(request, str(error), status=400)
        return redirect("surveys:answer", pk=found.campaign_id)
    return render(request, "surveys/invitation.html", {"invitation": found})


# --- the coordinator's pages -----------------------------------------------------------------


def _coordinated(request, pk):
    """The campaign, or a refusal for anyone who does not coordinate Erhebungen."""
    if not services.is_coordinator(request.user):
        return None, refused(
            request, "Diese Seite ist der koordinierenden Stelle der Erhebung vorbehalten."
        )
    return get_object_or_404(Campaign, pk=pk), None


@never_cache
@login_required
@require_safe
def progress_view(request, pk):
    campaign, refusal = _coordinated(request, pk)
    if refusal:
        return refusal
    return render(
        request,
        "surveys/progress.html",
        {"campaign": campaign, "progress": progress.compute(campaign)},
    )


@never_cache
@login_required
@require_http_methods(["POST"])
def propose_drafts(request, pk):
    """Coordinator action: cooperations reported by two or more partners become draft
    profiles in moderation (``drafts.propose_all``; proposing again adds nothing)."""
    campaign, refusal = _coordinated(request, pk)
    if refusal:
        return refusal
    if campaign.is_example or not campaign.has_started():
        messages.error(
            request, "Diese Erhebung hat keine Antworten, aus denen Entwürfe entstehen können."
        )
    else:
        pages, before = drafts.propose_all(campaign, request.user)
        messages.success(
            request,
            f"{len(pages)} neue Steckbrief-Entwürfe in der Moderation"
            + (f", {before} schon früher vorgeschlagen" if before else "")
            + ".",
        )
    return redirect("surveys:progress", pk=campaign.pk)


@never_cache
@login_required
@require_safe
def export_csv(request, pk):
    campaign, refusal = _coordinated(request, pk)
    if refusal:
        return refusal
    response = HttpResponse(export.as_csv(campaign), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="erhebung-{campaign.pk}.csv"'
    return response


@never_cache
@login_required
@require_safe
def export_xlsx(request, pk):
    campaign, refusal = _coordinated(request, pk)
    if refusal:
        return refusal
    response = HttpResponse(
        export.as_xlsx(campaign),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="erhebung-{campaign.pk}.xlsx"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("survey-invite", 200, 60 * 60)
def invitations_view(request, pk):
    campaign, refusal = _coordinated(request, pk)
    if refusal:
        return refusal
    errors, values, status = {}, {"body": "", "email": ""}, 200
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in values}
        body = None
        try:
            partner = resolve_register_partner(values["body"].replace(";", " "))
            body = partner.municipality or partner.county
        except ValidationError as error:
            errors["body"] = " ".join(error.messages)
        if body is not None:
            kwargs = {k: v for k, v in services.body_kwargs(body).items() if v}
            if not campaign.asks(**kwargs):
                errors["body"] = f"„{body}“ wird in dieser Erhebung nicht befragt."
            else:
                body = next(iter(kwargs.values()))
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = "Bitte eine gültige E-Mail-Adresse angeben (name@beispiel.de)."
        if not campaign.accepts_answers():
            errors["body"] = "Diese Erhebung nimmt keine Antworten an (Beispiel oder Frist vorbei)."
        if not errors:
            invitation, token = Invitation.issue(
                campaign, body, values["email"], created_by=request.user
            )
            services.send_invitation(invitation, token, request)
            messages.success(
                request,
                f"Die Einladung für {invitation.body_name} ist an {invitation.email} "
                f"gesendet; sie gilt bis {timezone.localtime(invitation.expires_at):%d.%m.%Y}.",
            )
            return redirect("surveys:invitations", pk=campaign.pk)
        status = 400
    invitations = campaign.invitations.select_related("municipality", "county", "created_by")
    return render(
        request,
        "surveys/invitations.html",
        {
            "campaign": campaign,
            "invitations": invitations,
            "errors": errors,
            "values": values,
            "now": timezone.now(),
        },
        status=status,
    )

"""A municipal account reports a cooperation; the reporter sees only their own reports.

Function views, so a rate-limit decorator can be added where the URLs are wired.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from boerse.services import account_of, can_post
from kooperationsatlas.throttle import rate_limit

from .forms import ReportForm
from .models import Report
from .services import create_report, report_status


def refused(request, reason):
    return render(request, "reports/forbidden.html", {"reason": reason}, status=403)


def _refusal_reason(user):
    if account_of(user) is None:
        return (
            "Kooperationen können nur Mitarbeitende von Kommunen melden: Ihr Benutzerkonto "
            "ist keiner Gemeinde und keinem Kreis zugeordnet. Bitte wenden Sie sich an die "
            "Moderation, wenn Sie für eine Kommune handeln."
        )
    return (
        "Ihr kommunales Konto ist noch nicht bestätigt. Die Moderation prüft es; danach "
        "können Sie Kooperationen melden."
    )


def _initial(user, account):
    body = account.body
    own = (
        f"{account.municipality.ags} {account.municipality.name}"
        if account.municipality_id
        else f"{account.county.key} {body.display_name}"
    )
    return {
        "partners": own + "\n",
        "contact_name": user.get_full_name(),
        "contact_email": user.email,
    }


@login_required
@rate_limit("report", 10, 60 * 60)
def report_create(request):
    if not can_post(request.user):
        return refused(request, _refusal_reason(request.user))
    account = account_of(request.user)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            report = create_report(request.user, account, form.cleaned_data, form.all_partners)
            messages.success(
                request,
                f"Vielen Dank! Ihre Meldung „{report.title}“ ist eingegangen. Die Moderation "
                "prüft sie; wir schreiben Ihnen, sobald der Steckbrief veröffentlicht ist.",
            )
            return redirect("reports:detail", pk=report.pk)
    else:
        form = ReportForm(initial=_initial(request.user, account))
    return render(
        request,
        "reports/report_form.html",
        {"form": form, "account": account},
        status=400 if form.is_bound else 200,
    )


@login_required
def report_list(request):
    reports = list(
        Report.objects.filter(reporter=request.user).select_related(
            "page", "municipality", "county"
        )
    )
    for report in reports:
        report.status_label, report.status_class, report.comment = report_status(report)
    return render(
        request,
        "reports/report_list.html",
        {
            "reports": reports,
            "account": account_of(request.user),
            "can_report": can_post(request.user),
        },
    )


@login_required
def report_detail(request, pk):
    # Someone else's report answers 404, with no hint that it exists.
    report = get_object_or_404(
        Report.objects.select_related("page", "municipality", "county"),
        pk=pk,
        reporter=request.user,
    )
    report.status_label, report.status_class, report.comment = report_status(report)
    page = report.page
    context = {"report": report, "page_obj": page}
    if page is not None:
        context.update(
            partners=page.partners.select_related("municipality", "county"),
            sources=page.sources.all(),
            task_areas=page.task_areas.all(),
        )
    return render(request, "reports/report_detail.html", context)

"""The feedback form of the accessibility statement (BITV NRW).

Function views, so a rate-limit decorator can be added where the URLs are wired.
"""

import logging

from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from kooperationsatlas import links, mail
from kooperationsatlas.models import SiteSettings
from kooperationsatlas.throttle import rate_limit

from .forms import FeedbackForm
from .models import AccessibilityFeedback

logger = logging.getLogger(__name__)


def _forward(request, feedback, to):
    """Mail the feedback to the operator's contact address; False if that failed."""
    return mail.send(
        "Rückmeldung zur Barrierefreiheit",
        render_to_string(
            "legal/email/feedback.txt",
            {
                "feedback": feedback,
                "admin_url": links.absolute_url("/admin/", request),
            },
        ),
        [to],
        reply_to=[feedback.email],
    )


@rate_limit("accessibility-feedback", 5, 60 * 60)
def feedback(request):
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            item = form.save()
            to = SiteSettings.for_request(request).contact_email
            if to and _forward(request, item, to):
                AccessibilityFeedback.objects.filter(pk=item.pk).update(forwarded_to=to)
            return redirect("legal:feedback_thanks")
    else:
        form = FeedbackForm(initial={"page_url": request.GET.get("seite", "")[:1000]})
    return render(
        request,
        "legal/feedback_form.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def feedback_thanks(request):
    return render(request, "legal/feedback_thanks.html")

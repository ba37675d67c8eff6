"""The no-login pages: find your deputy and mailbox, write a letter, follow it by its code.

They show public data only (deputies' names, where boxes are) and never a
sender's or anyone's personal data. Abuse: a honeypot field, a rate limit per
address (django-ratelimit, counted in the cache), text limits; text is stored
as text and always shown escaped.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from deputies.models import Constituency
from liaison.params import text_param

from . import selectors, services
from .conf import mailbox_setting
from .forms import PublicLetterForm, TrackForm

SESSION_CODE = "mailbox_new_tracking_code"


def public_find(request):
    offices = list(selectors.public_offices())
    office = None
    office_id = request.GET.get("office", "")
    if office_id.isdigit():
        office = next((o for o in offices if o.pk == int(office_id)), None)
    query = text_param(request)
    rows = selectors.public_directory(office=office, query=query) if (office or query) else []
    return render(request, "mailbox/public/find.html", {
        "offices": offices, "office": office, "query": query, "rows": rows, "searched": bool(office or query),
    })


def _limited(request, group: str, rate_name: str) -> bool:
    """Count this request against the address's budget; True when over it."""
    return is_ratelimited(
        request, group=group, key="ip", rate=mailbox_setting(rate_name), method=["POST"], increment=True,
    )


def public_write(request, constituency_pk: int):
    constituency = get_object_or_404(
        Constituency.objects.filter(term__is_current=True).select_related("group__sub_district"), pk=constituency_pk
    )
    community = constituency.communities.filter(pk=request.GET.get("community") or 0).first() \
        if str(request.GET.get("community", "")).isdigit() else None
    form = PublicLetterForm(request.POST or None, constituency=constituency)
    status = 200
    if request.method == "POST":
        if _limited(request, "mailbox.online_letter", "ONLINE_LETTER_RATE"):
            form.add_error(None, "您提交得太频繁了，请过一小时再试。您已写好的内容仍保留在下面。")
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                _letter, code = services.online_letter_submit(
                    constituency=constituency, community=community, deputy=data.get("deputy"),
                    category=data["category"], text=data["text"], sender_name=data.get("sender_name", ""),
                    sender_phone=data.get("sender_phone", ""),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[SESSION_CODE] = code
                return redirect("mailbox:public_thanks")
    return render(request, "mailbox/public/write.html", {
        "form": form, "constituency": constituency, "community": community,
        # The privacy notice (PIPL art. 17): how long the sender's data is kept.
        "retention_years": settings.PERSONAL_DATA_RETENTION_YEARS,
        "district_name": settings.LIAISON["DISTRICT_NAME"],
    }, status=status)


@never_cache
def public_thanks(request):
    """The tracking code, shown once: it is taken out of the session as the page is drawn."""
    code = request.session.pop(SESSION_CODE, None)
    return render(request, "mailbox/public/thanks.html", {
        "code": services.tracking_code_display(code) if code else None,
    })


@never_cache
def public_track(request):
    """Look a letter up by its code. Unknown and malformed codes get the same 404 page."""
    form = TrackForm(request.POST or None)
    if request.method != "POST":
        return render(request, "mailbox/public/track.html", {"form": form})
    if _limited(request, "mailbox.tracking_lookup", "TRACKING_LOOKUP_RATE"):
        form.add_error(None, "查询太频繁，请稍后再试。")
        return render(request, "mailbox/public/track.html", {"form": form}, status=429)
    letter = services.letter_by_tracking_code(form.data.get("code", "")) if form.is_valid() else None
    if letter is None:
        return render(request, "mailbox/public/track.html", {"form": TrackForm(), "not_found": True}, status=404)
    return render(request, "mailbox/public/status.html", {
        "letter": letter, "problem": letter.problem, "stage": letter.public_stage(),
    })

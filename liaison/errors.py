"""Chinese error pages (400, 403, 404, 500 and CSRF failure) in the site's style.

Each says what happened and where to go next. A message a view gave in Chinese
(PermissionDenied("常委会账号只能查看，不能修改。"), Http404("尚未设置本届届次。"))
reaches the page; Django's own English messages never do.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.template import loader

_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _reason(exception) -> str:
    """The view's own explanation when it wrote one in Chinese (as our views do), else nothing."""
    args = getattr(exception, "args", None)
    if not args or not isinstance(args[0], str):
        return ""  # the URL resolver's 404 carries the patterns it tried: never shown
    return args[0] if _CHINESE.search(args[0]) else ""


def _render(request, template_name: str, status: int, reason: str = "") -> HttpResponse:
    context = {"reason": reason, "district_name": settings.LIAISON["DISTRICT_NAME"],
               "app_title": settings.LIAISON["SITE_NAME"]}
    # The 500 page renders without the request: its context processors may be what failed.
    html = loader.get_template(template_name).render(context, request if status != 500 else None)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None, template_name: str = "400.html"):
    return _render(request, template_name, 400)


def permission_denied(request, exception=None, template_name: str = "403.html"):
    return _render(request, template_name, 403, _reason(exception))


def page_not_found(request, exception=None, template_name: str = "404.html"):
    return _render(request, template_name, 404, _reason(exception))


def server_error(request, template_name: str = "500.html"):
    return _render(request, template_name, 500)


def csrf_failure(request, reason: str = "", template_name: str = "403_csrf.html"):
    return _render(request, template_name, 403)


def favicon(request):
    """/favicon.ico, for pages that link none (the admin): the hashed static file."""
    from django.templatetags.static import static

    return HttpResponseRedirect(static("favicon.ico"))

from __future__ import annotations

from django.shortcuts import render

from liaison.models import Role
from liaison.permissions import require_roles

from .selectors import MAX_QUERY_CHARS, SHORT_QUERY_WINDOW, clean_query, search_all

# Who has the box in the navigation (templates/base.html says the same): departments work in
# their workspace, the 三员 administer accounts and never read casework.
SEARCH_ROLES = (Role.DEPUTY, Role.LIAISON, Role.COMMITTEE)


@require_roles(*SEARCH_ROLES)
def search(request):
    raw = request.GET.get("q", "")
    query = clean_query(raw)
    results = search_all(request.user, query) if query else None
    return render(request, "search/results.html", {
        "query": query, "results": results, "cut": len(raw.replace("\x00", "").strip()) > MAX_QUERY_CHARS,
        "max_chars": MAX_QUERY_CHARS, "window": f"{SHORT_QUERY_WINDOW:,}",
    })

"""The no-login pages: find your deputy and mailbox, write a letter, follow it by its code.

They show public data only (deputies' names, where boxes are) and never a
sender's or anyone's personal data.
"""

from __future__ import annotations

from django.shortcuts import render

from . import selectors


def public_find(request):
    offices = list(selectors.public_offices())
    office = None
    office_id = request.GET.get("office", "")
    if office_id.isdigit():
        office = next((o for o in offices if o.pk == int(office_id)), None)
    query = request.GET.get("q", "").strip()[:40]
    rows = selectors.public_directory(office=office, query=query) if (office or query) else []
    return render(request, "mailbox/public/find.html", {
        "offices": offices, "office": office, "query": query, "rows": rows, "searched": bool(office or query),
    })




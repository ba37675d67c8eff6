"""What `make bench` needs inside the app, on only when settings.LIAISON_BENCH is true.

The floor (`/bench/floor/`) renders the site's layout with no database query: every
page is measured against it in the same process. The middleware says how many SQL
statements a response took, in an `X-Queries` header the load client reads.
"""

from __future__ import annotations

from django.db import connections
from django.shortcuts import render


def floor(request):
    return render(request, "liaison/bench_floor.html", {"rows": range(20)})


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(count)
        return response

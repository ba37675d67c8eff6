"""What a role may do, beyond what it may see (that is `visible_to`)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def require_write(view):
    """The standing committee reads the district but changes nothing."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS") and not request.user.can_write:
            raise PermissionDenied(request.user.write_refusal)
        return view(request, *args, **kwargs)

    return wrapper


def require_roles(*roles: str):
    """Only these roles (office staff and superusers always) may open the page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_office_staff or user.role in roles):
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

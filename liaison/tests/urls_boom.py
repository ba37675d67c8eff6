"""The site's URLs plus one that fails, to see the 500 page a user would get."""

from django.urls import path

from liaison.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("secret internals: SELECT * FROM liaison_user")


urlpatterns = [*urlpatterns, path("boom/", boom)]

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import autocomplete, views

admin.site.site_header = "代表联络 · 管理后台"
admin.site.site_title = "代表联络"
admin.site.index_title = "联络工委数据管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications_mark_read"),
    path("deputies/", include("deputies.urls")),
    path("constituents/", include("constituents.urls")),
    path("mailbox/", include("mailbox.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
    # Search-as-you-type for filters over thousands of rows (perf).
    path("autocomplete/groups/", autocomplete.groups, name="autocomplete_groups"),
    path("autocomplete/deputies/", autocomplete.deputies, name="autocomplete_deputies"),
    path("autocomplete/communities/", autocomplete.communities, name="autocomplete_communities"),
]
if settings.LIAISON_BENCH:  # make bench: the no-query floor page
    from . import bench

    urlpatterns += [path("bench/floor/", bench.floor, name="bench_floor")]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

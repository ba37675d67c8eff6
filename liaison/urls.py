from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .health import health_view

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
    # sec-data: database, cache, broker, disk and beat; no login, nothing sensitive.
    path("health/", health_view, name="health"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

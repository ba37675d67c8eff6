from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import errors, views

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
    # Browsers ask for /favicon.ico on pages that do not link one (the admin).
    path("favicon.ico", errors.favicon),
]
# /media/ is never served directly: every upload goes through a view that checks who may see it
# (constituents.views_activities.activity_photo).

# Chinese error pages (templates/400.html …); CSRF failures: settings.CSRF_FAILURE_VIEW.
handler400 = "liaison.errors.bad_request"
handler403 = "liaison.errors.permission_denied"
handler404 = "liaison.errors.page_not_found"
handler500 = "liaison.errors.server_error"

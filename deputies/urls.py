from django.urls import path

from . import views

app_name = "deputies"
urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("", views.deputy_list, name="deputy_list"),
    path("<int:pk>/", views.deputy_detail, name="deputy_detail"),
]

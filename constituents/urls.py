from django.urls import path

from . import views

app_name = "constituents"
urlpatterns = [
    path("", views.constituent_list, name="constituent_list"),
    path("<int:pk>/", views.constituent_detail, name="constituent_detail"),
]

from django.urls import path

from actionplan import views

app_name = "actionplan"

urlpatterns = [
    path("", views.home, name="home"),
]

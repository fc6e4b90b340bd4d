from django.urls import path

from actionplan.views import home

app_name = "actionplan"

urlpatterns = [
    path("", home.home, name="home"),
]

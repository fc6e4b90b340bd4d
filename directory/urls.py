from django.urls import include, path

from directory import audit_urls, views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    # The app's own pages, under its namespace (directory:...); signing in and out keep Django's names.
    path("", include((audit_urls.urlpatterns, "directory"))),
]

from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("sso.urls")),
    path("", include("accounts.urls")),
    path("", include("incidents.urls")),
    path("", include("postmortems.urls")),
    path("", include("actions.urls")),
    path("", include("dashboard.urls")),
    path("", include("audit.urls")),
    path("", include("alerts.urls")),
    path("", include("slackapp.urls")),
    path("", include("api.urls")),
]

from django.urls import path

from alerts import views

urlpatterns = [
    path("hooks/alerts/<slug:slug>/", views.receive, name="alert_hook"),
]

from django.urls import path

from dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/<slug:name>.csv", views.export_csv, name="dashboard_export"),
    path("reviews/<int:pk>/earlier-fixes/", views.earlier_fixes, name="review_earlier_fixes"),
]

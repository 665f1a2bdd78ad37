from django.urls import path

from audit import views

urlpatterns = [
    path("history/<str:label>/<int:pk>/", views.history, name="audit_history"),
]

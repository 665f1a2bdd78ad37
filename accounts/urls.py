from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("me/", views.profile, name="profile"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<slug:slug>/", views.team_detail, name="team_detail"),
    path("teams/<slug:slug>/members/", views.member_add, name="team_member_add"),
    path("teams/<slug:slug>/members/<int:pk>/role/", views.member_change_role, name="team_member_role"),
    path("teams/<slug:slug>/members/<int:pk>/remove/", views.member_remove, name="team_member_remove"),
]

from django.urls import path

from sso import views

urlpatterns = [
    path("logout/", views.sign_out, name="logout"),
    path("oidc/authenticate/", views.StartSignIn.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", views.FinishSignIn.as_view(), name="oidc_authentication_callback"),
]

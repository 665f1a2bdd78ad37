from django.urls import path

from actions.views import forge, items, notifications, panels, recurrence

urlpatterns = [
    path("actions/", items.action_list, name="action_list"),
    path("actions/mine/", items.my_action_items, name="my_action_items"),
    path("actions/export.csv", items.action_export, name="action_export"),
    path("actions/<int:pk>/", items.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", items.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", items.action_status, name="action_status"),
    path("incidents/<int:incident_pk>/actions/new/", items.action_new, name="action_new"),
    path("incidents/<int:incident_pk>/obligation/", panels.obligation_panel, name="obligation_panel"),
    path("reviews/<int:review_pk>/actions/", panels.review_action_items, name="review_action_items"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/badge/", notifications.inbox_badge, name="notifications_badge"),
    path("notifications/read-all/", notifications.notifications_read_all, name="notifications_read_all"),
    path("notifications/settings/", notifications.notification_settings, name="notification_settings"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("hooks/github/<str:organisation>/", forge.github_hook, name="github_hook"),
    path("hooks/gitlab/<str:organisation>/", forge.gitlab_hook, name="gitlab_hook"),
    path("recurrences/<int:pk>/decide/", recurrence.decide, name="recurrence_decide"),
    path("teams/<slug:slug>/chat-hook/", notifications.team_chat_hook, name="team_chat_hook"),
]

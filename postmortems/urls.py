from django.urls import path

from postmortems.views import analysis, language, library, meeting, people, reviews, workflow

urlpatterns = [
    path("language/check/", language.language_check, name="language_check"),
    path("reviews/", library.review_library, name="review_library"),
    path("reviews/start/incident/<int:incident_pk>/", reviews.review_start, name="review_start"),
    path("reviews/start/near-miss/<int:near_miss_pk>/", reviews.review_start_near_miss, name="review_start_near_miss"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/facilitate/", reviews.review_take_on, name="review_take_on"),
    path("reviews/<int:pk>/sections/<slug:name>/", reviews.review_section, name="review_section"),
    path("reviews/<int:pk>/check/", reviews.review_check, name="review_check"),
    path("reviews/<int:pk>/participants/", people.review_participants, name="review_participants"),
    path("reviews/<int:pk>/schedule/", people.review_schedule, name="review_schedule"),
    path("reviews/<int:pk>/invite.ics", people.review_invite, name="review_invite"),
    path("reviews/<int:pk>/perspective/", people.review_perspective, name="review_perspective"),
    path("reviews/<int:pk>/factors/", analysis.review_factor_add, name="review_factor_add"),
    path("reviews/<int:pk>/factors/<int:factor_pk>/", analysis.review_factor_edit, name="review_factor_edit"),
    path(
        "reviews/<int:pk>/factors/<int:factor_pk>/delete/", analysis.review_factor_delete, name="review_factor_delete"
    ),
    path("reviews/<int:pk>/opportunities/", analysis.review_opportunity_add, name="review_opportunity_add"),
    path(
        "reviews/<int:pk>/opportunities/<int:opportunity_pk>/delete/",
        analysis.review_opportunity_delete,
        name="review_opportunity_delete",
    ),
    path("reviews/<int:pk>/status/", workflow.review_status, name="review_status"),
    path("reviews/<int:pk>/publish/", workflow.review_publish, name="review_publish"),
    path("reviews/<int:pk>/flags/dismiss/", workflow.review_flag_dismiss, name="review_flag_dismiss"),
    path("reviews/<int:pk>/flags/keep/", language.review_flag_keep, name="review_flag_keep"),
    path("reviews/<int:pk>/feedback/", workflow.review_feedback, name="review_feedback"),
    path("reviews/<int:pk>/meeting/", meeting.review_meeting, name="review_meeting"),
    path("reviews/<int:pk>/meeting/state/", meeting.review_meeting_state, name="review_meeting_state"),
    path("reviews/<int:pk>/meeting/agenda/", meeting.review_meeting_agenda, name="review_meeting_agenda"),
    path("reviews/<int:pk>/meeting/factors/", meeting.meeting_factor_add, name="meeting_factor_add"),
    path("reviews/<int:pk>/meeting/opportunities/", meeting.meeting_opportunity_add, name="meeting_opportunity_add"),
    path("reviews/<int:pk>/meeting/timer/", meeting.review_meeting_timer, name="review_meeting_timer"),
    path("reviews/<int:pk>/meeting/nudge/", meeting.review_meeting_nudge, name="review_meeting_nudge"),
    path("reviews/<int:pk>/export.md", library.review_export_markdown, name="review_export_markdown"),
    path("reviews/<int:pk>/export-anonymised.md", library.review_export_anonymised, name="review_export_anonymised"),
]

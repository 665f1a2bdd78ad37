from django.urls import path

from incidents.views import imports, incidents, near_misses, timeline

urlpatterns = [
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/related/", incidents.link_add, name="incident_link_add"),
    path("incidents/<int:pk>/related/<int:link_pk>/remove/", incidents.link_remove, name="incident_link_remove"),
    path("incidents/<int:pk>/timeline/", timeline.timeline, name="timeline"),
    path("incidents/<int:pk>/timeline/add/", timeline.entry_add, name="timeline_entry_add"),
    path("incidents/<int:pk>/timeline/<int:entry_pk>/edit/", timeline.entry_edit, name="timeline_entry_edit"),
    path("incidents/<int:pk>/timeline/<int:entry_pk>/delete/", timeline.entry_delete, name="timeline_entry_delete"),
    path("incidents/<int:pk>/timeline/import/", imports.timeline_import, name="timeline_import"),
    path("near-misses/", near_misses.near_miss_list, name="near_miss_list"),
    path("near-misses/new/", near_misses.near_miss_new, name="near_miss_new"),
    path("near-misses/filed/", near_misses.near_miss_filed, name="near_miss_filed"),
    path("near-misses/<int:pk>/", near_misses.near_miss_detail, name="near_miss_detail"),
    path("near-misses/<int:pk>/thank/", near_misses.near_miss_thank, name="near_miss_thank"),
]

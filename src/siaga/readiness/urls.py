from django.urls import path

from siaga.readiness import views

urlpatterns = [
    path("kesiapan/agenda/", views.agenda_view, name="readiness_agenda"),
    path("kesiapan/agenda/<int:pk>/", views.activity_edit, name="readiness_activity"),
    path("kesiapan/laporan/", views.report_list, name="readiness_reports"),
    path("kesiapan/laporan/<int:pk>/", views.report_detail, name="readiness_report"),
    path("kesiapan/laporan/<int:pk>/status/", views.report_status, name="readiness_report_status"),
    path("kesiapan/laporan/<int:pk>.<str:fmt>", views.report_download,
         name="readiness_report_file"),
    path("kesiapan/bundel/", views.bundle_export, name="readiness_bundle_export"),
]

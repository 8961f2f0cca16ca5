from django.urls import path

from siaga.officers import views

urlpatterns = [
    path("petugas/", views.officer_list, name="officer_list"),
    path("petugas/daftar.xlsx", views.officer_export, name="officer_export"),
    path("petugas/<int:pk>/", views.officer_detail, name="officer_detail"),
    path("petugas/impor/", views.import_view, name="officer_import"),
    path("petugas/impor/<int:pk>/", views.import_preview, name="officer_import_preview"),
    path("petugas/cakupan/", views.coverage_view, name="officer_coverage"),
    path("petugas/cakupan.xlsx", views.coverage_xlsx, name="officer_coverage_xlsx"),
    path("petugas/bpjs/", views.bpjs_view, name="officer_bpjs"),
    path("petugas/bpjs/kolektif.xlsx", views.bpjs_collective_file, name="officer_bpjs_file"),
    path("petugas/kasus/", views.case_list, name="officer_cases"),
    path("petugas/kasus/<int:pk>/", views.case_detail, name="officer_case"),
    path("petugas/risiko/", views.risk_view, name="officer_risk"),
]

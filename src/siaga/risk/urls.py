from django.urls import path, re_path

from siaga.risk import views

urlpatterns = [
    path("kerawanan/", views.overview, name="risk_overview"),
    path("kerawanan/impor/", views.import_sheet, name="risk_import"),
    path("kerawanan/peta.json", views.map_data, name="risk_map_data"),
    re_path(r"^kerawanan/ekspor\.(?P<fmt>xlsx|pdf)$", views.export, name="risk_export"),
    path("kerawanan/desa/<str:code>/", views.desa_grid, name="risk_desa_grid"),
    path("kerawanan/tps/<str:code>/", views.tps_assessment, name="risk_tps"),
    path("kerawanan/foto/<int:pk>/", views.evidence, name="risk_evidence"),
]

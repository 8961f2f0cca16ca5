from django.urls import path, re_path

from siaga.regions import views

urlpatterns = [
    path("tps/", views.tps_overview, name="tps_overview"),
    path("tps/peta.json", views.tps_map_data, name="tps_map_data"),
    re_path(r"^tps/ekspor\.(?P<fmt>xlsx|csv|pdf)$", views.tps_export_view, name="tps_export"),
    path("tps/impor/", views.tps_import, name="tps_import"),
    path("tps/impor/<int:pk>/", views.tps_import_preview, name="tps_import_preview"),
    path("tps/impor/<int:pk>/simpan/", views.tps_import_save, name="tps_import_save"),
    path("tps/<str:code>/", views.tps_detail, name="tps_detail"),
    path("tps/<str:code>/ubah/", views.tps_edit, name="tps_edit"),
]

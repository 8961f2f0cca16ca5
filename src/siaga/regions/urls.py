from django.urls import path, register_converter

from siaga.regions import views


class ExportFormat:
    regex = "xlsx|csv|pdf"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "fmt")

urlpatterns = [
    path("tps/", views.tps_overview, name="tps_overview"),
    path("tps/peta.json", views.tps_map_data, name="tps_map_data"),
    path("tps/ekspor.<fmt:fmt>", views.tps_export_view, name="tps_export"),
    path("tps/impor/", views.tps_import, name="tps_import"),
    path("tps/impor/<int:pk>/", views.tps_import_preview, name="tps_import_preview"),
    path("tps/impor/<int:pk>/simpan/", views.tps_import_save, name="tps_import_save"),
    path("tps/<str:code>/", views.tps_detail, name="tps_detail"),
    path("tps/<str:code>/ubah/", views.tps_edit, name="tps_edit"),
]

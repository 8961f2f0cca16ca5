from django.urls import path

from siaga.risk import views

urlpatterns = [
    path("kerawanan/", views.overview, name="risk_overview"),
    path("kerawanan/impor/", views.import_sheet, name="risk_import"),
    path("kerawanan/peta.json", views.map_data, name="risk_map_data"),
    path("kerawanan/desa/<str:code>/", views.desa_grid, name="risk_desa_grid"),
]

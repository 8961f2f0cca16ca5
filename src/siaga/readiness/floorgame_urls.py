from django.urls import path

from siaga.readiness import floorgame_views as views

urlpatterns = [
    path("kesiapan/permainan-lantai/", views.board_view, name="floorgame"),
    path("kesiapan/permainan-lantai/data.json", views.board_data, name="floorgame_data"),
    path("kesiapan/permainan-lantai/skenario/", views.scenario_apply, name="floorgame_scenario"),
    path("kesiapan/permainan-lantai/papan.pdf", views.board_pdf, name="floorgame_pdf"),
]

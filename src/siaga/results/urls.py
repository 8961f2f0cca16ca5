from django.urls import path

from siaga.results import candidate_views, views

urlpatterns = [
    path("hasil/", views.results_view, name="results"),
    path("hasil/isi/", views.entry_view, name="results_entry"),
    path("hasil/periksa/", views.entry_check, name="results_check"),
    path("hasil/tinjau/", views.review_view, name="results_review"),
    path("hasil/tps/<str:code>/", views.tps_view, name="results_tps"),
    path("hasil/impor/", views.import_view, name="results_import"),
    path("hasil/kandidat/", candidate_views.candidates_view, name="results_candidates"),
    path("hasil/peta.json", views.results_map_data, name="results_map_data"),
    path("hasil/terbitkan/", views.publish_view, name="results_publish"),
    path("publik/hasil/", views.public_results, name="public_results"),
]

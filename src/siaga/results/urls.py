from django.urls import path

from siaga.results import views

urlpatterns = [
    path("hasil/", views.results_view, name="results"),
    path("hasil/isi/", views.entry_view, name="results_entry"),
    path("hasil/periksa/", views.entry_check, name="results_check"),
    path("hasil/tinjau/", views.review_view, name="results_review"),
    path("hasil/tps/<str:code>/", views.tps_view, name="results_tps"),
    path("hasil/impor/", views.import_view, name="results_import"),
]

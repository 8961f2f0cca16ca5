from django.urls import path

from siaga.operations import views

urlpatterns = [
    path("lapangan/", views.field_form, name="field_form"),
    path("lapangan/sw.js", views.service_worker, name="field_sw"),
    path("operasi/", views.live_board, name="live_board"),
    path("operasi/isi/", views.live_board_body, name="live_board_body"),
    path("operasi/kejadian/", views.incident_list, name="incident_list"),
    path("operasi/kejadian/<int:pk>/", views.incident_update, name="incident_update"),
]
urlpatterns += [
    path("operasi/staf/", views.staff_view, name="staff_list"),
    path("operasi/penugasan/", views.assignment_view, name="assignments"),
    path("operasi/dokumen/", views.document_view, name="documents"),
    path("operasi/surat-tugas/<int:pk>.pdf", views.letter_opd_pdf, name="letter_opd"),
    path("operasi/surat-tugas/orang/<int:pk>.pdf", views.letter_person_pdf, name="letter_person"),
    path("operasi/kalibrasi/", views.calibration_view, name="calibration"),
]

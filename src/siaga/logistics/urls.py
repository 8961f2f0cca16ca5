from django.urls import path, re_path

from siaga.logistics import views

urlpatterns = [
    path("logistik/", views.needs_view, name="logistics_needs"),
    re_path(r"^logistik/kemasan\.(?P<fmt>xlsx|pdf)$", views.packing_export,
            name="logistics_packing"),
    path("logistik/armada/", views.fleet_view, name="logistics_fleet"),
    path("logistik/rencana/", views.plan_list, name="logistics_plans"),
    path("logistik/rencana/<int:pk>/", views.plan_detail, name="logistics_plan"),
    path("logistik/rencana/<int:pk>/status/", views.plan_status, name="logistics_plan_status"),
    path("logistik/rencana/<int:pk>/peta.json", views.plan_map, name="logistics_plan_map"),
    re_path(r"^logistik/rencana/(?P<pk>\d+)/jadwal\.(?P<fmt>xlsx|pdf)$", views.plan_export,
            name="logistics_plan_export"),
    path("logistik/papan/", views.board_view, name="logistics_board"),
    path("logistik/kiriman/buat/", views.shipments_sync, name="logistics_sync"),
    path("logistik/kiriman/cari/", views.shipment_find, name="logistics_find"),
    path("logistik/kiriman/<int:pk>/", views.shipment_detail, name="logistics_shipment"),
    path("logistik/peringatan/<int:pk>/", views.alert_action, name="logistics_alert"),
]

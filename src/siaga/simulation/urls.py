from django.urls import path, re_path

from siaga.simulation import views

urlpatterns = [
    path("simulasi/", views.run_list, name="simulation_runs"),
    path("simulasi/<int:pk>/", views.run_detail, name="simulation_run"),
    path("simulasi/<int:pk>/status/", views.run_status, name="simulation_status"),
    re_path(r"^simulasi/(?P<pk>\d+)/ekspor\.(?P<fmt>xlsx|pdf)$", views.run_export,
            name="simulation_export"),
    path("simulasi/<int:pk>/tps/<str:code>/", views.tps_fixes, name="simulation_tps"),
]

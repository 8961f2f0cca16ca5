from django.urls import path

from siaga.security import views

urlpatterns = [
    path("pengamanan/", views.plan_view, name="security_plan"),
    path("pengamanan/pos.xlsx", views.posts_export, name="security_posts_export"),
    path("pengamanan/peta.json", views.map_data, name="security_map_data"),
]

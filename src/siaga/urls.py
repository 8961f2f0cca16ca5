from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from siaga.api import api
from siaga.web import views as web_views

admin.site.site_header = "Siaga Pemilu - administrasi"
admin.site.site_title = "Siaga Pemilu"

urlpatterns = [
    path("masuk/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", web_views.home, name="home"),
    path("", include("siaga.regions.urls")),
    path("", include("siaga.accounts.urls")),
    path("", include("siaga.simulation.urls")),
    path("", include("siaga.risk.urls")),
    path("", include("siaga.security.urls")),
    path("", include("siaga.logistics.urls")),
    path("", include("siaga.operations.urls")),
    path("", include("siaga.results.urls")),
    path("", include("siaga.officers.urls")),
    path("", include("siaga.readiness.urls")),
    path("", include("siaga.readiness.floorgame_urls")),
    path("", include("siaga.public.urls")),
]

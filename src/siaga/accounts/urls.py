from django.urls import path

from siaga.accounts import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("akun/token/", views.api_tokens, name="api_tokens"),
]

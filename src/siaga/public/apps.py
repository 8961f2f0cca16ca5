from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "siaga.public"
    label = "public"
    verbose_name = "Halaman publik"

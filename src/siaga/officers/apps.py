from django.apps import AppConfig


class OfficersConfig(AppConfig):
    name = "siaga.officers"
    label = "officers"
    verbose_name = "Petugas ad hoc"

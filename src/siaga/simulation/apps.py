from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "siaga.simulation"
    label = "simulation"
    verbose_name = "Simulasi pemungutan dan penghitungan suara"

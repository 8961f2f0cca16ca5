from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "siaga.logistics"
    label = "logistics"
    verbose_name = "Logistik"

    def ready(self):
        from siaga.accounts import audit
        from siaga.logistics.models import Alert, Shipment, Stock, TravelTime, Vehicle, Warehouse

        audit.register(Warehouse, key=lambda w: w.name, region=lambda w: w.region.code)
        audit.register(Vehicle, key=lambda v: f"{v.depot.code}/{v.name}",
                       region=lambda v: v.depot.code)
        audit.register(Stock, key=lambda s: f"{s.item}/{s.contest}/{s.dapil}",
                       region=lambda s: s.warehouse.region.code)
        audit.register(TravelTime, key=lambda t: f"{t.origin}>{t.destination}/{t.mode}",
                       region=lambda t: t.origin[:5])
        audit.register(Shipment, key=lambda s: f"{s.level}/{s.destination}",
                       region=lambda s: s.destination.split("-")[0])
        audit.register(Alert, key=lambda a: f"{a.code}/{a.tps}/{a.contest}",
                       region=lambda a: a.shipment.destination.split("-")[0])

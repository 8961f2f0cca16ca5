from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "siaga.public"
    label = "public"
    verbose_name = "Halaman publik"

    def ready(self):
        from siaga.accounts import audit
        from siaga.public.models import NewsItem

        # Comments are audited when a moderator decides on them (views.moderate), not when a
        # visitor sends one: the log records what staff did, and spam cannot flood it.
        audit.register(NewsItem, key=lambda n: n.slug, region=lambda n: n.region.code)

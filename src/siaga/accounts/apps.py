from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "siaga.accounts"
    label = "accounts"
    verbose_name = "Akun dan audit"

    def ready(self):
        # regions knows nothing of the other apps, so its models are put under audit from here.
        from siaga.accounts import audit
        from siaga.accounts.models import Agency, Profile
        from siaga.regions.models import TPS, Contest, Dapil, Election, Region

        def election_region(election):
            return election.region.code if election.region_id else ""

        audit.register(Agency, key=lambda a: a.code, region=lambda a: a.region.code)
        audit.register(Profile, key=lambda p: p.user.get_username(), region=lambda p: p.region.code)
        audit.register(Region, key=lambda r: r.code, region=lambda r: r.code)
        audit.register(TPS, key=lambda t: t.code, region=lambda t: t.code.split("-")[0])
        audit.register(Election, key=lambda e: e.slug, region=election_region)
        audit.register(Contest, key=lambda c: f"{c.election.slug}/{c.kind}",
                       region=lambda c: election_region(c.election))
        audit.register(Dapil, key=lambda d: f"{d.contest.election.slug}/{d.contest.kind}/{d.code}",
                       region=lambda d: election_region(d.contest.election))

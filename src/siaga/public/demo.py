"""Synthetic news and announcements for the demo regency. Every item says so in its title
("(contoh sintetis)") and carries is_synthetic, which the pages show as a badge."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from siaga.public.models import NewsItem, Tag
from siaga.regions.models import Region

LABEL = "(contoh sintetis)"
BYLINE = "Diskominfo Kabupaten Barito Timur (contoh)"

# (days before the newest, kind, kecamatan suffix or "", title, tags, body)
ITEMS = [
    (0, "announcement", "", "Jadwal distribusi logistik ke PPK",
     ["logistik", "distribusi"],
     ("Distribusi logistik pemungutan suara dari gudang KPU ke sepuluh PPK dimulai H-5.\n\n"
      "- Kecamatan Dusun Timur dan Awang: hari pertama\n"
      "- Kecamatan di hulu sungai: hari kedua, dengan klotok\n\n"
      "PPK diminta menyiapkan gudang sementara yang kering dan terkunci.")),
    (1, "news", "", "Simulasi pemungutan dan penghitungan suara digelar di Tamiang Layang",
     ["simulasi", "TPS", "KPPS"],
     ("KPPS dari tiga desa mengikuti simulasi pemungutan dan penghitungan suara. Simulasi "
      "menunjukkan penghitungan lima jenis surat suara memakan waktu sekitar sepuluh jam.\n\n"
      "## Temuan\nPenghitungan surat suara DPRD kabupaten paling lama karena jumlah calon "
      "banyak. KPPS diminta membagi tugas dan beristirahat bergantian.")),
    (2, "news", ".01", "Apel kesiapan pengamanan TPS bersama Polres dan Kodim",
     ["pengamanan", "TPS"],
     ("Apel kesiapan pengamanan diikuti personel Polres, Kodim, Satpol PP dan Linmas. "
      "Pengamanan TPS mengikuti pola yang ditetapkan untuk setiap tingkat kerawanan.\n\n"
      "Warga diimbau melapor bila melihat gangguan di sekitar TPS.")),
    (3, "announcement", "", "Cek nama Anda di DPT sebelum hari pemungutan suara",
     ["DPT", "pemilih"],
     ("Pemilih dapat memeriksa namanya di Daftar Pemilih Tetap melalui laman resmi KPU "
      "https://cekdptonline.kpu.go.id atau di kantor desa. Pemilih yang pindah memilih "
      "mengurus formulir pindah memilih paling lambat sesuai jadwal KPU.")),
    (4, "news", "", "Logistik tiba di gudang KPU dalam keadaan baik",
     ["logistik"],
     ("Kotak suara, bilik suara dan tinta tiba di gudang KPU. Petugas memeriksa jumlah dan "
      "keadaan setiap kotak sebelum disortir per TPS.\n\nSurat suara cadangan 2 persen "
      "disiapkan untuk setiap TPS sesuai ketentuan.")),
    (6, "news", "", "Rapat koordinasi kesiapan pemilu bersama Forkopimda",
     ["koordinasi"],
     ("Rapat koordinasi membahas kesiapan logistik, pengamanan dan kesehatan petugas KPPS. "
      "Setiap OPD menyiapkan staf pendamping untuk kecamatan.")),
]


@transaction.atomic
def load_demo_news(regency_code: str = "62.13") -> int:
    """Write the synthetic items that do not exist yet (by slug); returns how many were new."""
    regency = Region.objects.get(code=regency_code)
    newest = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    created = 0
    for days, kind, kecamatan, title, tags, body in ITEMS:
        full_title = f"{title} {LABEL}"
        slug = slugify(full_title)[:80]
        if NewsItem.objects.filter(slug=slug).exists():
            continue
        region = Region.objects.get(code=regency.code + kecamatan) if kecamatan else regency
        item = NewsItem.objects.create(
            region=region, kind=kind, title=full_title, slug=slug, body=body, byline=BYLINE,
            status=NewsItem.Status.PUBLISHED, is_synthetic=True,
            published_at=newest - datetime.timedelta(days=days))
        item.tags.set([Tag.objects.get_or_create(slug=slugify(t), defaults={"name": t})[0]
                       for t in tags])
        created += 1
    return created

"""The public page in the web app: open to everyone, nothing private on it; read counts, related
items, comments held for moderation; staff write news and moderate within their region."""

import io
import time
import types

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from PIL import Image

from siaga.accounts.audit import acting_as
from siaga.accounts.models import AuditEntry
from siaga.public.demo import LABEL, load_demo_news
from siaga.public.models import Comment, NewsItem, ReadCount, Tag
from siaga.public.views import FORM_SALT, READ_COOKIE
from siaga.regions.models import Region

pytestmark = pytest.mark.django_db

CHROME = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/124.0.0.0 Mobile Safari/537.36")


def browser(**extra) -> Client:
    """A visitor's browser: the headers every browser sends with a page request."""
    return Client(**{"HTTP_USER_AGENT": CHROME, "HTTP_ACCEPT": "text/html,*/*;q=0.8",
                     "HTTP_ACCEPT_LANGUAGE": "id-ID,id;q=0.9"} | extra)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def make_item(title="Distribusi logistik ke PPK", body="Kotak suara dikirim ke PPK.",
              tags=("logistik",), status=NewsItem.Status.PUBLISHED, region="62.13",
              kind=NewsItem.Kind.NEWS, **fields):
    from django.utils.text import slugify

    with acting_as(label="test"):
        item = NewsItem.objects.create(
            region=Region.objects.get(code=region), title=title, slug=slugify(title)[:80],
            body=body, status=status, kind=kind, byline="Diskominfo (uji)",
            published_at=timezone.now() - timezone.timedelta(minutes=5)
            if status == NewsItem.Status.PUBLISHED else None, **fields)
        item.tags.set([Tag.objects.get_or_create(slug=t, defaults={"name": t})[0] for t in tags])
    return item


def token(item, seconds_ago=30.0) -> str:
    return signing.dumps({"i": item.pk, "t": time.time() - seconds_ago}, salt=FORM_SALT)


def send_comment(client, item, body="Semoga lancar.", name="Rina", **fields):
    data = {"name": name, "body": body, "website": "", "token": token(item)} | fields
    return client.post(f"/publik/warta/{item.slug}/komentar/", data)


# --- open to everyone, nothing private ---------------------------------------------------------

def test_the_public_board_opens_without_login_and_shows_tps_and_dpt_per_kecamatan():
    response = browser().get("/publik/?pemilu=pemilu-2024")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-total="tps">387<' in page and 'data-total="dpt">81.100<' in page
    assert page.count("<tr><td>") == 10  # ten kecamatan
    assert "SINTETIS" in page  # the synthetic TPS say so


def test_anonymous_visitors_see_no_staff_navigation_or_private_data():
    make_item()
    for url in ("/publik/", "/publik/warta/", "/publik/warta/distribusi-logistik-ke-ppk/"):
        page = browser().get(url).content.decode()
        for private in ('href="/kerawanan/', 'href="/operasi/', "Keluar", "rawan", "NIP",
                        "/publik/kelola/"):
            assert private not in page, (url, private)


def test_the_staff_pages_still_need_a_login():
    for url in ("/publik/kelola/", "/publik/kelola/baru/", "/publik/moderasi/"):
        assert "/masuk/" in browser().get(url)["Location"]


def test_a_draft_is_not_shown_to_the_public_but_its_editor_can_preview_it(login):
    draft = make_item(title="Rancangan pengumuman", status=NewsItem.Status.DRAFT)
    assert browser().get(f"/publik/warta/{draft.slug}/").status_code == 404
    assert draft.title not in browser().get("/publik/warta/").content.decode()
    preview = login("uji-coordinator").get(f"/publik/warta/{draft.slug}/")
    assert preview.status_code == 200 and "Pratinjau" in preview.content.decode()


def test_an_item_published_for_later_is_not_public_yet():
    later = make_item(title="Besok")
    later.published_at = timezone.now() + timezone.timedelta(days=1)
    later.save()
    assert browser().get(f"/publik/warta/{later.slug}/").status_code == 404


def test_the_board_lists_published_announcements_but_not_drafts():
    make_item(title="Cek DPT Anda", kind=NewsItem.Kind.ANNOUNCEMENT)
    make_item(title="Pengumuman rahasia", kind=NewsItem.Kind.ANNOUNCEMENT,
              status=NewsItem.Status.DRAFT)
    page = browser().get("/publik/").content.decode()
    assert "Cek DPT Anda" in page and "Pengumuman rahasia" not in page


def test_the_board_speaks_for_the_regency_of_the_latest_news_even_from_a_kecamatan():
    make_item(region="62.13.03", title="Dari kecamatan")
    assert browser().get("/publik/").context["region"].code == "62.13"


def test_a_kecamatan_on_the_board_lists_its_desa():
    page = browser().get("/publik/?wilayah=62.13.01&pemilu=pemilu-2024").content.decode()
    assert "per desa" in page and "Barito Timur" in page  # the way back up


def test_the_board_links_to_published_results_only_when_that_page_exists():
    from siaga import urls as site

    without = types.ModuleType("without_results")
    without.urlpatterns = [p for p in site.urlpatterns if getattr(p, "name", "") != "public_results"
                           and "results" not in str(getattr(p, "urlconf_name", ""))]
    with_results = types.ModuleType("with_results")
    with_results.urlpatterns = [*without.urlpatterns,
                                path("publik/hasil/", lambda r: None, name="public_results")]
    with override_settings(ROOT_URLCONF=without):
        page = browser().get("/publik/").content.decode()
        assert response_ok(page) and 'href="/publik/hasil/"' not in page
    with override_settings(ROOT_URLCONF=with_results):
        assert 'href="/publik/hasil/"' in browser().get("/publik/").content.decode()


def response_ok(page: str) -> bool:
    return "Papan publik" in page


# --- news list, search, tags, related ----------------------------------------------------------

def test_news_can_be_filtered_by_tag_and_searched():
    make_item()
    make_item(title="Simulasi penghitungan suara", body="KPPS berlatih.", tags=("simulasi",))
    by_tag = browser().get("/publik/warta/?tag=simulasi").content.decode()
    assert "Simulasi penghitungan suara" in by_tag and "Distribusi logistik" not in by_tag
    found = browser().get("/publik/warta/?q=kotak+suara").content.decode()
    assert "Distribusi logistik" in found and "Simulasi penghitungan" not in found
    assert "Tidak ada yang ditemukan" in browser().get("/publik/warta/?q=zzz").content.decode()


def test_an_item_shows_related_items_by_tag_and_text_but_not_unrelated_ones():
    item = make_item()
    make_item(title="Logistik tiba di gudang KPU", body="Kotak suara tiba.", tags=("logistik",))
    make_item(title="Apel pengamanan", body="Polres dan Linmas apel.", tags=("pengamanan",))
    related = browser().get(f"/publik/warta/{item.slug}/").context["related"]
    assert [r.title for r in related] == ["Logistik tiba di gudang KPU"]


def test_the_body_is_rendered_without_any_html_of_the_author():
    item = make_item(body="Halo <script>alert(1)</script>\n\n## Jadwal\n- satu")
    page = browser().get(f"/publik/warta/{item.slug}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<h2>Jadwal</h2>" in page


# --- read counts ------------------------------------------------------------------------------

def reads_on_page(client, item) -> tuple[int, int]:
    context = client.get(f"/publik/warta/{item.slug}/").context
    return context["reads_total"], context["reads_today"]


def test_one_browser_reading_twice_and_another_once_makes_two_reads():
    item = make_item()
    first, second = browser(), browser()
    assert reads_on_page(first, item) == (1, 1)
    assert reads_on_page(first, item) == (1, 1)
    assert reads_on_page(second, item) == (2, 2)
    assert ReadCount.objects.get(item=item).count == 2


def test_the_cookie_holds_only_signed_item_ids():
    item = make_item()
    client = browser()
    client.get(f"/publik/warta/{item.slug}/")
    cookie = client.cookies[READ_COOKIE]
    assert cookie.value.split(":")[0] == str(item.pk)  # the id, then the signature
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_forged_cookie_is_ignored():
    item = make_item()
    client = browser()
    client.cookies[READ_COOKIE] = f"{item.pk}"  # unsigned: would hide a read if trusted
    assert reads_on_page(client, item) == (1, 1)


@pytest.mark.parametrize("headers", [
    {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
    {"HTTP_USER_AGENT": "curl/8.5.0"},
    {"HTTP_ACCEPT_LANGUAGE": ""},
    {"HTTP_SEC_PURPOSE": "prefetch"},
])
def test_bots_and_prefetches_are_not_counted(headers):
    item = make_item()
    browser(**headers).get(f"/publik/warta/{item.slug}/")
    assert not ReadCount.objects.filter(item=item).exists()


def test_signed_in_staff_are_not_counted(login):
    item = make_item()
    login("uji-coordinator").get(f"/publik/warta/{item.slug}/", HTTP_USER_AGENT=CHROME,
                                 HTTP_ACCEPT="text/html", HTTP_ACCEPT_LANGUAGE="id")
    assert not ReadCount.objects.filter(item=item).exists()


def test_total_adds_up_the_days_and_today_is_todays_count():
    item = make_item()
    ReadCount.objects.create(item=item, date=timezone.localdate() - timezone.timedelta(days=3),
                             count=40)
    assert reads_on_page(browser(), item) == (41, 1)


def test_nothing_about_the_reader_is_stored():
    fields = {f.name for m in (ReadCount, Comment) for f in m._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "user_agent", "email", "browser_id", "session"}


# --- comments ---------------------------------------------------------------------------------

def test_a_comment_is_held_until_a_moderator_approves_it(login):
    item = make_item()
    visitor = browser()
    response = send_comment(visitor, item, body="Terima kasih infonya.")
    assert response.status_code == 302
    page = visitor.get(response["Location"]).content.decode()
    assert "setelah disetujui moderator" in page
    assert "Terima kasih infonya." not in page
    note = Comment.objects.get(item=item)
    assert note.status == Comment.Status.PENDING

    moderator = login("uji-coordinator")
    assert "Terima kasih infonya." in moderator.get("/publik/moderasi/").content.decode()
    moderator.post("/publik/moderasi/", {"comment": note.pk, "decision": "approved"})
    assert "Terima kasih infonya." in browser().get(f"/publik/warta/{item.slug}/").content.decode()
    entry = AuditEntry.objects.get(model="public.Comment")
    assert entry.actor == "uji-coordinator" and entry.after["status"] == "approved"
    assert entry.region_code == "62.13"


def test_a_rejected_comment_stays_hidden(login):
    item = make_item()
    send_comment(browser(), item, body="Komentar kasar")
    note = Comment.objects.get()
    login("uji-admin").post("/publik/moderasi/", {"comment": note.pk, "decision": "rejected"})
    assert "Komentar kasar" not in browser().get(f"/publik/warta/{item.slug}/").content.decode()


@pytest.mark.parametrize("fields", [
    {"website": "http://obat-murah.example"},  # the honeypot
    {"token": "palsu"},  # a forged form token
])
def test_robots_get_the_same_thanks_and_nothing_is_stored(fields):
    item = make_item()
    response = send_comment(browser(), item, **fields)
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_a_comment_sent_a_second_after_the_page_opened_is_not_stored():
    item = make_item()
    send_comment(browser(), item, token=token(item, seconds_ago=1))
    assert not Comment.objects.exists()


def test_a_token_of_another_item_does_not_work():
    item, other = make_item(), make_item(title="Lain")
    send_comment(browser(), item, token=token(other))
    assert not Comment.objects.exists()


def test_a_comment_full_of_links_goes_to_the_spam_folder(login):
    item = make_item()
    send_comment(browser(), item, body="http://a.example http://b.example http://c.example")
    note = Comment.objects.get()
    assert note.status == Comment.Status.SPAM and "3" in note.spam_reason
    page = login("uji-coordinator").get("/publik/moderasi/?folder=spam").content.decode()
    assert "http://a.example" in page


def test_an_empty_comment_is_refused_with_a_message():
    item = make_item()
    response = send_comment(browser(), item, body="  ")
    assert response.status_code == 400 and "Tulis komentar" in response.content.decode()


def test_a_fourth_comment_within_ten_minutes_is_refused():
    item = make_item()
    client = browser()
    for i in range(3):
        assert send_comment(client, item, body=f"Komentar {i}").status_code == 302
    refused = send_comment(client, item, body="Komentar 4")
    assert refused.status_code == 429 and "Terlalu banyak komentar" in refused.content.decode()
    assert Comment.objects.count() == 3
    # Another address is another client.
    assert send_comment(browser(REMOTE_ADDR="198.51.100.9"), item).status_code == 302


def test_the_rate_limit_keeps_no_address_in_the_cache():
    item = make_item()
    send_comment(browser(REMOTE_ADDR="203.0.113.77"), item)
    keys = list(cache._cache.keys())  # the local-memory cache of the tests
    assert keys and not any("203.0.113.77" in k for k in keys)


def test_the_moderation_page_needs_the_write_registry_right(login):
    assert login("uji-viewer").get("/publik/moderasi/").status_code == 403
    assert login("uji-field").get("/publik/moderasi/").status_code == 403


def test_a_moderator_sees_and_decides_only_comments_in_their_region(login):
    item = make_item()  # a regency item, above the kecamatan user's region
    send_comment(browser(), item, body="Di tingkat kabupaten")
    note = Comment.objects.get()
    kecamatan = login("uji-kecamatan")
    assert "Di tingkat kabupaten" not in kecamatan.get("/publik/moderasi/").content.decode()
    assert kecamatan.post("/publik/moderasi/", {"comment": note.pk,
                                                "decision": "approved"}).status_code == 404
    assert Comment.objects.get().status == Comment.Status.PENDING


# --- the staff form ---------------------------------------------------------------------------

def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 95, 139)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def news_form(**fields) -> dict:
    return {"kind": "news", "region": Region.objects.get(code="62.13").pk,
            "title": "Bimtek KPPS di Dusun Timur", "body": "KPPS mengikuti bimbingan teknis.",
            "tag_names": "KPPS, bimtek, KPPS", "photo_caption": "", "action": "publish"} | fields


def test_a_photo_loses_where_and_when_it_was_taken_before_it_is_stored(login, settings,
                                                                       tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif[0x0132] = "2024:02:14 07:05:00"  # DateTime
    exif[0x013B] = "Petugas Uji"  # Artist
    exif[0x8825] = {2: (2.0, 10.0, 30.0), 4: (115.0, 5.0, 0.0)}  # GPS latitude, longitude
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (31, 95, 139)).save(buffer, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif()  # the upload carries them
    response = login("uji-coordinator").post(
        "/publik/kelola/baru/", news_form(photo=upload("tps.jpg", buffer.getvalue())))
    assert response.status_code == 302
    stored = Image.open(NewsItem.objects.get().photo.open("rb"))
    assert stored.format == "JPEG" and stored.size == (40, 30)
    assert not stored.getexif()


def test_a_coordinator_publishes_news_with_tags_and_a_photo(login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login("uji-coordinator")
    response = client.post("/publik/kelola/baru/",
                           news_form(photo=upload("bimtek.png", png_bytes())))
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.is_public and item.slug == "bimtek-kpps-di-dusun-timur"
    assert item.byline == "Kesbangpol (uji)"  # the agency, not the account
    assert sorted(t.slug for t in item.tags.all()) == ["bimtek", "kpps"]
    photo = browser().get(f"/publik/warta/{item.slug}/foto")
    assert photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == item.photo.open("rb").read()
    page = browser().get(f"/publik/warta/{item.slug}/").content.decode()
    assert "uji-coordinator" not in page and "Kesbangpol (uji)" in page
    actions = list(AuditEntry.objects.filter(model="public.NewsItem")
                   .values_list("action", "actor"))
    assert ("create", "uji-coordinator") in actions
    assert AuditEntry.objects.filter(model="public.NewsItem",
                                     after__tags=["bimtek", "kpps"]).exists()


def test_a_draft_is_saved_without_publishing_then_published(login):
    client = login("uji-coordinator")
    client.post("/publik/kelola/baru/", news_form(action="save"))
    item = NewsItem.objects.get()
    assert item.status == NewsItem.Status.DRAFT and item.published_at is None
    client.post(f"/publik/kelola/{item.pk}/", news_form(action="publish"))
    item.refresh_from_db()
    assert item.is_public


def test_a_file_that_is_not_an_image_is_refused(login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = login("uji-coordinator").post(
        "/publik/kelola/baru/", news_form(photo=upload("foto.png", b"<html>bukan gambar</html>")))
    assert response.status_code == 200 and not NewsItem.objects.exists()
    assert response.context["form"].errors["photo"]


def test_a_gif_is_refused_even_when_it_is_a_real_image(login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "GIF")
    response = login("uji-coordinator").post(
        "/publik/kelola/baru/", news_form(photo=upload("foto.gif", buffer.getvalue())))
    assert "photo" in response.context["form"].errors and not NewsItem.objects.exists()


def test_a_viewer_may_not_write_news(login):
    assert login("uji-viewer").get("/publik/kelola/baru/").status_code == 403
    assert login("uji-viewer").post("/publik/kelola/baru/", news_form()).status_code == 403
    assert not NewsItem.objects.exists()


def test_an_item_outside_the_users_region_cannot_be_edited(login):
    item = make_item(region="62.13.02", title="Di kecamatan lain")
    assert login("uji-kecamatan").get(f"/publik/kelola/{item.pk}/").status_code == 404


def test_a_kecamatan_user_can_only_choose_their_kecamatan(login):
    response = login("uji-kecamatan").post(
        "/publik/kelola/baru/", news_form(region=Region.objects.get(code="62.13").pk))
    assert "region" in response.context["form"].errors and not NewsItem.objects.exists()


def test_the_same_title_twice_gets_two_addresses(login):
    client = login("uji-coordinator")
    client.post("/publik/kelola/baru/", news_form())
    client.post("/publik/kelola/baru/", news_form())
    assert sorted(NewsItem.objects.values_list("slug", flat=True)) == [
        "bimtek-kpps-di-dusun-timur", "bimtek-kpps-di-dusun-timur-2"]


def test_the_staff_list_shows_reads_and_waiting_comments(login):
    item = make_item()
    browser().get(f"/publik/warta/{item.slug}/")
    send_comment(browser(), item)
    page = login("uji-viewer").get("/publik/kelola/").content.decode()
    assert item.title in page and "1 komentar menunggu moderasi" in page


# --- demo -------------------------------------------------------------------------------------

def test_the_demo_news_is_labelled_synthetic_and_loads_once():
    with acting_as(label="test"):
        created = load_demo_news()
        assert created >= 5 and load_demo_news() == 0
    items = NewsItem.objects.all()
    assert all(LABEL in i.title and i.is_synthetic and i.is_public for i in items)
    assert items.filter(kind=NewsItem.Kind.ANNOUNCEMENT).exists()
    page = browser().get("/publik/").content.decode()
    assert "contoh sintetis" in page


def test_the_demo_items_find_each_other_as_related():
    with acting_as(label="test"):
        load_demo_news()
    item = NewsItem.objects.get(title__startswith="Jadwal distribusi logistik")
    related = browser().get(f"/publik/warta/{item.slug}/").context["related"]
    assert related and related[0].title.startswith("Logistik tiba di gudang KPU")


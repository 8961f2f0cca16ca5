from django.urls import path

from siaga.public import views

urlpatterns = [
    # Public (no login)
    path("publik/", views.board, name="public_board"),
    path("publik/warta/", views.news_list, name="public_news"),
    path("publik/warta/<slug:slug>/", views.news_detail, name="public_news_detail"),
    path("publik/warta/<slug:slug>/komentar/", views.comment, name="public_comment"),
    path("publik/warta/<slug:slug>/foto", views.news_photo, name="public_news_photo"),
    # Staff (login)
    path("publik/kelola/", views.manage, name="public_manage"),
    path("publik/kelola/baru/", views.edit, name="public_news_new"),
    path("publik/kelola/<int:pk>/", views.edit, name="public_news_edit"),
    path("publik/moderasi/", views.moderation, name="public_moderation"),
]

"""Field messages on polling day: a corpus of what officers send, and the grammar's properties."""

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siaga.operations import messages
from siaga.operations.messages import (
    Category,
    Contest,
    Kind,
    ParseResult,
    Report,
    Severity,
    canonical,
    clean_text,
    parse,
    reply,
    typo_distance,
)

V = "62.13.01.2003"  # the desa the sender's phone is registered to
T3 = f"{V}-003"
T4 = f"{V}-004"


def hm(hours, minutes, day=0):
    """Minutes after 00:00 of polling day; day -1 is H-1, day 1 the next day."""
    return day * 24 * 60 + hours * 60 + minutes


def R(kind, minutes=None, tps=T3, **fields):
    return Report(Kind(kind), tps, minutes=minutes, **fields)


def BUKA(minutes=None, tps=T3, **fields):
    return R("BUKA", minutes, tps, **fields)


def HADIR(minutes, count, tps=T3, **fields):
    return R("HADIR", minutes, tps, count=count, **fields)


def HITUNG(contest, verb, minutes=None, tps=T3):
    kind = "HITUNG_MULAI" if verb == "MULAI" else "HITUNG_SELESAI"
    return R(kind, minutes, tps, contest=contest)


def KEJADIAN(category, text="", severity=None, tps=T3):
    return R("KEJADIAN", None, tps, category=category, severity=severity, text=text)


# (message, expected): a Report for every report understood, the code of every problem, in order.
CORPUS = [
    # --- the TPS by its full code --------------------------------------------------------------
    ("TPS 62.13.01.2003-003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 62.13.01.2003-003 SIAP", [R("SIAP")]),
    ("TPS 62.13.01.2003-003 SIAP 06.30", [R("SIAP", hm(6, 30))]),
    ("TPS 62.13.01.2003-003 LOGISTIK TERIMA", [R("LOGISTIK_TERIMA")]),
    ("TPS 62.13.01.2003-003 LOGISTIK TERIMA 16.00", [R("LOGISTIK_TERIMA", hm(16, 0, -1))]),
    ("TPS 62.13.01.2003-003 HADIR 10.00 150", [HADIR(hm(10, 0), 150)]),
    ("TPS 62.13.01.2003-003 TUTUP 13.00", [R("TUTUP", hm(13, 0))]),
    ("TPS 62.13.01.2003-003 HITUNG PPWP MULAI 13.30", [HITUNG("PPWP", "MULAI", hm(13, 30))]),
    ("TPS 62.13.01.2003-003 HITUNG PPWP SELESAI 16.20",
     [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 62.13.01.2003-003 SUARA SELESAI 23.40", [R("SUARA_SELESAI", hm(23, 40))]),
    ("TPS 62.13.01.2003-003 CHASIL KIRIM 23.55", [R("CHASIL_KIRIM", hm(23, 55))]),
    ("TPS 62.13.01.2003-003 KEJADIAN KEKERASAN warga ribut",
     [KEJADIAN("KEKERASAN", "warga ribut")]),
    ("62.13.01.2003-003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 6213012003-003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 6213012003-3 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 62.13.01.2003-12 BUKA 07.10", [BUKA(hm(7, 10), f"{V}-012")]),
    ("TPS 62.13.02.1001-001 BUKA 07.00", [BUKA(hm(7, 0), "62.13.02.1001-001")]),
    ("TPS 62.13.01.2003/003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 62.13.01.2003 - 003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 62.13.01.2003 003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("BUKA 62.13.01.2003-003 07.05", [BUKA(hm(7, 5))]),
    ("BUKA TPS 62.13.01.2003-003 JAM 07.05", [BUKA(hm(7, 5))]),
    ("BUKA 07.05 TPS 62.13.01.2003-003", [BUKA(hm(7, 5))]),
    # --- the TPS by its number, in the sender's desa -------------------------------------------
    ("TPS 003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 3 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("tps 3 buka 07.05", [BUKA(hm(7, 5))]),
    ("TPS:003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS-3 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS NO. 3 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS nomor 03 buka 07.05", [BUKA(hm(7, 5))]),
    ("TPS003 BUKA0705", [BUKA(hm(7, 5))]),
    ("003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("3 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("BUKA 003 07.05", [BUKA(hm(7, 5))]),
    ("SUARA 003 SELESAI 23.40", [R("SUARA_SELESAI", hm(23, 40))]),
    ("KEJADIAN 003 LOGISTIK KURANG surat suara DPRD",
     [KEJADIAN("LOGISTIK_KURANG", "surat suara DPRD")]),
    ("HITUNG 003 PPWP SELESAI 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("HITUNG PPWP 003 SELESAI 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("LOGISTIK 003 TERIMA", [R("LOGISTIK_TERIMA")]),
    ("CHASIL 003 KIRIM", [R("CHASIL_KIRIM")]),
    ("HADIR 003 10.00 150", [HADIR(hm(10, 0), 150)]),
    ("HADIR 003 150", [HADIR(None, 150)]),
    ("TPS 12 SIAP", [R("SIAP", tps=f"{V}-012")]),
    ("TPS 003 SUDAH SIAP", [R("SIAP")]),
    ("TPS 003 sudah buka jam 7", [BUKA(hm(7, 0))]),
    ("SIAP TPS 003", [R("SIAP")]),
    ("BUKA 07.05 TPS 004", [BUKA(hm(7, 5), T4)]),
    ("HADIR 10.00 150 TPS 004", [HADIR(hm(10, 0), 150, T4)]),
    # --- times -----------------------------------------------------------------------------------
    ("TPS 003 BUKA 7.05", [BUKA(hm(7, 5))]),
    ("TPS 003 BUKA 7:05", [BUKA(hm(7, 5))]),
    ("TPS 003 BUKA 0705", [BUKA(hm(7, 5))]),
    ("TPS 003 BUKA 07,05", [BUKA(hm(7, 5))]),
    ("TPS 003 BUKA 07.05 WITA", [BUKA(hm(7, 5), zone="WITA")]),
    ("TPS 003 BUKA 07.05 wib", [BUKA(hm(7, 5), zone="WIB")]),
    ("TPS 003 BUKA 07:05WIT", [BUKA(hm(7, 5), zone="WIT")]),
    ("TPS 003 BUKA JAM 07.05", [BUKA(hm(7, 5))]),
    ("TPS 003 BUKA PUKUL 7.05", [BUKA(hm(7, 5))]),
    ("TPS 003 BUKA PKL 07.00", [BUKA(hm(7, 0))]),
    ("TPS 003 BUKA JAM 7", [BUKA(hm(7, 0))]),
    ("TPS 003 BUKA", [BUKA(None)]),
    ("TPS 003 TUTUP 13:00 WIB", [R("TUTUP", hm(13, 0), zone="WIB")]),
    ("TPS 003 TUTUP 1300", [R("TUTUP", hm(13, 0))]),
    ("TPS 003 TUTUP 13.05", [R("TUTUP", hm(13, 5))]),
    ("TPS 003 HADIR 12.00 251", [HADIR(hm(12, 0), 251)]),
    ("TPS 003 HADIR 1000 150", [HADIR(hm(10, 0), 150)]),
    ("TPS 003 HADIR 10 150", [HADIR(hm(10, 0), 150)]),
    ("TPS 003 HADIR JAM 10 150", [HADIR(hm(10, 0), 150)]),
    ("TPS 003 HADIR 150", [HADIR(None, 150)]),
    ("TPS 003 HADIR 10.00 150 ORANG", [HADIR(hm(10, 0), 150)]),
    ("TPS 003 HADIR 10.00 WITA 150", [HADIR(hm(10, 0), 150, zone="WITA")]),
    ("TPS 003 HADIR 10.00 0", [HADIR(hm(10, 0), 0)]),
    ("TPS 003 HADIR 13.00 1.000", [HADIR(hm(13, 0), 1000)]),
    ("TPS 003 HADIR 1000", [HADIR(None, 1000)]),
    # --- which day: counting after midnight, logistics on H-1, day markers --------------------
    ("TPS 003 SUARA SELESAI 01.30", [R("SUARA_SELESAI", hm(1, 30, 1))]),
    ("TPS 003 SUARA SELESAI 24.00", [R("SUARA_SELESAI", hm(0, 0, 1))]),
    ("TPS 003 SUARA SELESAI 00.00", [R("SUARA_SELESAI", hm(0, 0, 1))]),
    ("TPS 003 SUARA SELESAI 12.59", [R("SUARA_SELESAI", hm(12, 59, 1))]),
    ("TPS 003 SUARA SELESAI 13.00", [R("SUARA_SELESAI", hm(13, 0))]),
    ("TPS 003 HITUNG DPRD KAB SELESAI 02.15", [HITUNG("DPRD_KAB", "SELESAI", hm(2, 15, 1))]),
    ("TPS 003 HITUNG DPD MULAI 00.10", [HITUNG("DPD", "MULAI", hm(0, 10, 1))]),
    ("TPS 003 CHASIL KIRIM 03.00", [R("CHASIL_KIRIM", hm(3, 0, 1))]),
    ("TPS 003 SUARA SELESAI H 12.30", [R("SUARA_SELESAI", hm(12, 30))]),
    ("TPS 003 SUARA SELESAI H+1 13.30", [R("SUARA_SELESAI", hm(13, 30, 1))]),
    ("TPS 003 LOGISTIK TERIMA H 05.30", [R("LOGISTIK_TERIMA", hm(5, 30))]),
    ("TPS 003 LOGISTIK TERIMA HARI H 05.30", [R("LOGISTIK_TERIMA", hm(5, 30))]),
    ("TPS 003 LOGISTIK TERIMA H-1 20.00", [R("LOGISTIK_TERIMA", hm(20, 0, -1))]),
    ("TPS 003 LOGISTIK TERIMA 24.00", [R("LOGISTIK_TERIMA", hm(0, 0))]),
    ("TPS 003 SIAP H-1 21.00", [R("SIAP", hm(21, 0, -1))]),
    ("TPS 003 SIAP H 06.00", [R("SIAP", hm(6, 0))]),
    # --- contests ------------------------------------------------------------------------------
    ("TPS 003 HITUNG PRESIDEN SELESAI 15.00", [HITUNG("PPWP", "SELESAI", hm(15, 0))]),
    ("TPS 003 HITUNG PILPRES SELESAI 15.00", [HITUNG("PPWP", "SELESAI", hm(15, 0))]),
    ("TPS 003 HITUNG DPR RI SELESAI 18.00", [HITUNG("DPR", "SELESAI", hm(18, 0))]),
    ("TPS 003 HITUNG DPD SELESAI 20.00", [HITUNG("DPD", "SELESAI", hm(20, 0))]),
    ("TPS 003 HITUNG DPRD PROV SELESAI 21.30", [HITUNG("DPRD_PROV", "SELESAI", hm(21, 30))]),
    ("TPS 003 HITUNG DPRD PROVINSI SELESAI 21.30",
     [HITUNG("DPRD_PROV", "SELESAI", hm(21, 30))]),
    ("TPS 003 HITUNG DPRDPROV SELESAI 21.30", [HITUNG("DPRD_PROV", "SELESAI", hm(21, 30))]),
    ("TPS 003 HITUNG PROV SELESAI 21.30", [HITUNG("DPRD_PROV", "SELESAI", hm(21, 30))]),
    ("TPS 003 HITUNG DPRD_PROV SELESAI 21.30", [HITUNG("DPRD_PROV", "SELESAI", hm(21, 30))]),
    ("TPS 003 HITUNG DPRD I SELESAI 21.30", [HITUNG("DPRD_PROV", "SELESAI", hm(21, 30))]),
    ("TPS 003 HITUNG DPRD KAB SELESAI 23.00", [HITUNG("DPRD_KAB", "SELESAI", hm(23, 0))]),
    ("TPS 003 HITUNG DPRD KAB/KOTA SELESAI 23.00", [HITUNG("DPRD_KAB", "SELESAI", hm(23, 0))]),
    ("TPS 003 HITUNG DPRD KOTA SELESAI 23.00", [HITUNG("DPRD_KAB", "SELESAI", hm(23, 0))]),
    ("TPS 003 HITUNG DPRD KABUPATEN SELESAI 23.00",
     [HITUNG("DPRD_KAB", "SELESAI", hm(23, 0))]),
    ("TPS 003 HITUNG DPRD2 SELESAI 23.00", [HITUNG("DPRD_KAB", "SELESAI", hm(23, 0))]),
    ("TPS 003 HITUNG KAB SELESAI 23.00", [HITUNG("DPRD_KAB", "SELESAI", hm(23, 0))]),
    ("TPS 003 HITUNG SELESAI PPWP 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 003 HITUNG MULAI 13.15", [HITUNG(None, "MULAI", hm(13, 15))]),
    ("TPS 003 HITUNG SELESAI 23.40", [R("SUARA_SELESAI", hm(23, 40))]),
    ("TPS 003 PENGHITUNGAN SUARA PPWP SELESAI 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 003 PERHITUNGAN SUARA SELESAI 23.40", [R("SUARA_SELESAI", hm(23, 40))]),
    ("TPS 003 SUARA PPWP SELESAI 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 003 HITUNG PPWP SUDAH SELESAI 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 003 HITUNG PPWP DIMULAI 13.20", [HITUNG("PPWP", "MULAI", hm(13, 20))]),
    ("TPS 003 HITUNG PPWP BERES 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 003 COUNT PPWP DONE 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 003 HITUNG DPR START 16.30", [HITUNG("DPR", "MULAI", hm(16, 30))]),
    # --- C.Hasil -------------------------------------------------------------------------------
    ("TPS 003 CHASIL KIRIM", [R("CHASIL_KIRIM")]),
    ("TPS 003 C HASIL TERKIRIM", [R("CHASIL_KIRIM")]),
    ("TPS 003 C.HASIL TERKIRIM 23.55", [R("CHASIL_KIRIM", hm(23, 55))]),
    ("TPS 003 C-HASIL DIKIRIM", [R("CHASIL_KIRIM")]),
    ("TPS 003 C1 KIRIM", [R("CHASIL_KIRIM")]),
    ("TPS 003 CHASIL UPLOAD 00.15", [R("CHASIL_KIRIM", hm(0, 15, 1))]),
    ("TPS 003 CHASIL SUDAH TERKIRIM", [R("CHASIL_KIRIM")]),
    ("TPS 003 FORM C HASIL DIUNGGAH", [R("CHASIL_KIRIM")]),
    # --- logistics, ready, open, close, turnout: synonyms --------------------------------------
    ("TPS 003 LOGISTIK DITERIMA", [R("LOGISTIK_TERIMA")]),
    ("TPS 003 LOGISTIK SUDAH DITERIMA 15.30", [R("LOGISTIK_TERIMA", hm(15, 30, -1))]),
    ("TPS 003 LOGISTIK TIBA 17.00", [R("LOGISTIK_TERIMA", hm(17, 0, -1))]),
    ("TPS 003 LOGISTIK SAMPAI", [R("LOGISTIK_TERIMA")]),
    ("TPS 003 LOGISTIK LENGKAP", [R("LOGISTIK_TERIMA")]),
    ("TPS 003 LOGISTIC RECEIVED", [R("LOGISTIK_TERIMA")]),
    ("TPS 003 READY", [R("SIAP")]),
    ("TPS 003 DIBUKA 07.00", [BUKA(hm(7, 0))]),
    ("TPS 003 OPEN 07.00", [BUKA(hm(7, 0))]),
    ("TPS 003 DITUTUP 13.00", [R("TUTUP", hm(13, 0))]),
    ("TPS 003 CLOSED 13.00", [R("TUTUP", hm(13, 0))]),
    ("TPS 003 KEHADIRAN 11.00 200", [HADIR(hm(11, 0), 200)]),
    ("TPS 003 PEMILIH 12.00 230", [HADIR(hm(12, 0), 230)]),
    ("TPS 003 TURNOUT 12.00 230", [HADIR(hm(12, 0), 230)]),
    # --- typos -----------------------------------------------------------------------------------
    ("TPS 003 BUKAA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 003 BKUA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 003 SUARA SELSAI 23.40", [R("SUARA_SELESAI", hm(23, 40))]),
    ("TPS 003 SUARA SELESEI 23.40", [R("SUARA_SELESAI", hm(23, 40))]),
    ("TPS 003 SUARA SLESAI 23.40", [R("SUARA_SELESAI", hm(23, 40))]),
    ("TPS 003 HITUNG PPWP SELSEAI 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 003 HTUNG PPWP SELESAI 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("TPS 003 HITNG DPR MULAI 16.30", [HITUNG("DPR", "MULAI", hm(16, 30))]),
    ("KJADIAN 003 KEKERASAN ribut", [KEJADIAN("KEKERASAN", "ribut")]),
    ("KEJADIN 003 KEKERASAN ribut", [KEJADIAN("KEKERASAN", "ribut")]),
    ("KEJDIAN 003 INTIMIDASI saksi diancam", [KEJADIAN("INTIMIDASI", "saksi diancam")]),
    ("TPS 003 TUTP 13.00", [R("TUTUP", hm(13, 0))]),
    ("TPS 003 SIAPP", [R("SIAP")]),
    ("TPS 003 HADR 10.00 150", [HADIR(hm(10, 0), 150)]),
    ("TPS 003 LOGSTIK TERIMA", [R("LOGISTIK_TERIMA")]),
    ("TPS 003 LOGISTIK TRIMA", [R("LOGISTIK_TERIMA")]),
    ("TPS 003 CHASIL KRIM", [R("CHASIL_KIRIM")]),
    ("KEJADIAN 003 KEKERASN ribut", [KEJADIAN("KEKERASAN", "ribut")]),
    ("KEJADIAN 003 INTIMIDSI ancaman", [KEJADIAN("INTIMIDASI", "ancaman")]),
    ("KEJADIAN 003 PETUGS SAKIT pingsan", [KEJADIAN("PETUGAS_SAKIT", "pingsan")]),
    ("KEJADIAN 003 PETUGAS MENINGAL kelelahan", [KEJADIAN("PETUGAS_MENINGGAL", "kelelahan")]),
    ("KEJADIAN 003 POLITK UANG amplop", [KEJADIAN("POLITIK_UANG", "amplop")]),
    ("KEJADIAN 003 LOGISTK RUSAK kotak suara basah",
     [KEJADIAN("LOGISTIK_RUSAK", "kotak suara basah")]),
    ("KEJADIAN 003 KEKERASAN BRAT ribut", [KEJADIAN("KEKERASAN", "ribut", "BERAT")]),
    # --- case, spaces, punctuation ---------------------------------------------------------------
    ("tps 003 buka 07.05", [BUKA(hm(7, 5))]),
    ("Tps 003 Buka 07.05", [BUKA(hm(7, 5))]),
    ("  TPS   003    BUKA    07.05  ", [BUKA(hm(7, 5))]),
    ("TPS 003, BUKA: 07.05.", [BUKA(hm(7, 5))]),
    ("TPS#003 BUKA 07.05", [BUKA(hm(7, 5))]),
    ("*TPS 003* BUKA 07.05", [BUKA(hm(7, 5))]),
    ("TPS 003 - BUKA - 07.05", [BUKA(hm(7, 5))]),
    ("TPS 003\tBUKA\t07.05", [BUKA(hm(7, 5))]),
    ("[TPS 003] buka jam 07.05 wib", [BUKA(hm(7, 5), zone="WIB")]),
    ("TPS:003 BUKA:07.05", [BUKA(hm(7, 5))]),
    ("TPS 003 buka 07.05 lancar", [BUKA(hm(7, 5)), "ignored_words"]),
    ("TPS 003 HADIR 10.00 150 orang, aman", [HADIR(hm(10, 0), 150), "ignored_words"]),
    # --- several reports in one message ----------------------------------------------------------
    ("TPS 003 BUKA 07.05; HADIR 10.00 150", [BUKA(hm(7, 5)), HADIR(hm(10, 0), 150)]),
    ("TPS 003 BUKA 07.05\nHADIR 10.00 150\nHADIR 12.00 230",
     [BUKA(hm(7, 5)), HADIR(hm(10, 0), 150), HADIR(hm(12, 0), 230)]),
    ("TPS 003\nBUKA 07.05\nHADIR 10.00 150", [BUKA(hm(7, 5)), HADIR(hm(10, 0), 150)]),
    ("TPS 003 BUKA 07.05 HADIR 10.00 150", [BUKA(hm(7, 5)), HADIR(hm(10, 0), 150)]),
    ("TPS 003 SIAP; TPS 004 SIAP", [R("SIAP"), R("SIAP", tps=T4)]),
    ("TPS 003 SIAP 004 SIAP", [R("SIAP"), R("SIAP", tps=T4)]),
    ("003 SIAP 004 SIAP", [R("SIAP"), R("SIAP", tps=T4)]),
    ("TPS 003 BUKA 07.05 TPS 004 BUKA 07.06", [BUKA(hm(7, 5)), BUKA(hm(7, 6), T4)]),
    (("TPS 003 HITUNG PPWP SELESAI 16.20; HITUNG DPR SELESAI 18.40; HITUNG DPD SELESAI 20.10; "
      "HITUNG DPRD PROV SELESAI 21.45; HITUNG DPRD KAB SELESAI 23.30"),
     [HITUNG("PPWP", "SELESAI", hm(16, 20)), HITUNG("DPR", "SELESAI", hm(18, 40)),
      HITUNG("DPD", "SELESAI", hm(20, 10)), HITUNG("DPRD_PROV", "SELESAI", hm(21, 45)),
      HITUNG("DPRD_KAB", "SELESAI", hm(23, 30))]),
    ("TPS 003 TUTUP 13.00;; HITUNG PPWP MULAI 13.20;",
     [R("TUTUP", hm(13, 0)), HITUNG("PPWP", "MULAI", hm(13, 20))]),
    ("TPS 003 SUARA SELESAI 01.30\nTPS 003 CHASIL KIRIM 02.10",
     [R("SUARA_SELESAI", hm(1, 30, 1)), R("CHASIL_KIRIM", hm(2, 10, 1))]),
    ("TPS 003 BUKA 07.05; KEJADIAN LAIN hujan deras; HADIR 10.00 90",
     [BUKA(hm(7, 5)), KEJADIAN("LAIN", "hujan deras"), HADIR(hm(10, 0), 90)]),
    ("TPS 003 SIAP\r\nTPS 003 BUKA 07.02", [R("SIAP"), BUKA(hm(7, 2))]),
    ("BUKA 07.05; TPS 004 BUKA 07.06", ["no_tps", BUKA(hm(7, 6), T4)]),
    ("TPS 003 BUKA 25.70; HADIR 10.00 150", ["bad_time", HADIR(hm(10, 0), 150)]),
    ("TPS 003 BKA 07.05; HADIR 10.00 150", ["unknown_word", HADIR(hm(10, 0), 150)]),
    ("TPS 003 BUKA 07.05 TPS 004", [BUKA(hm(7, 5)), "missing_word"]),
    ("TPS 003\nBKA 07.05", ["unknown_word"]),
    # --- incidents: every category, severities, free text ----------------------------------------
    ("KEJADIAN 003 KEKERASAN pemukulan saksi", [KEJADIAN("KEKERASAN", "pemukulan saksi")]),
    ("KEJADIAN 003 KEKERASAN BERAT pemukulan saksi",
     [KEJADIAN("KEKERASAN", "pemukulan saksi", "BERAT")]),
    ("KEJADIAN 003 BENTROK dua kelompok", [KEJADIAN("KEKERASAN", "dua kelompok")]),
    ("KEJADIAN 003 INTIMIDASI saksi diancam", [KEJADIAN("INTIMIDASI", "saksi diancam")]),
    ("KEJADIAN 003 INTIMIDASI SEDANG tim sukses berjaga di TPS",
     [KEJADIAN("INTIMIDASI", "tim sukses berjaga di TPS", "SEDANG")]),
    ("KEJADIAN 003 ANCAMAN pemilih ditakut-takuti",
     [KEJADIAN("INTIMIDASI", "pemilih ditakut-takuti")]),
    ("KEJADIAN 003 POLITIK UANG amplop Rp50.000", [KEJADIAN("POLITIK_UANG", "amplop Rp50.000")]),
    ("KEJADIAN 003 MONEY POLITIC pembagian sembako",
     [KEJADIAN("POLITIK_UANG", "pembagian sembako")]),
    ("KEJADIAN 003 SERANGAN FAJAR warga terima amplop",
     [KEJADIAN("POLITIK_UANG", "warga terima amplop")]),
    ("KEJADIAN 003 LOGISTIK KURANG surat suara DPRD kurang 20 lembar",
     [KEJADIAN("LOGISTIK_KURANG", "surat suara DPRD kurang 20 lembar")]),
    ("KEJADIAN 003 LOGISTIK TERTUKAR surat suara DPRD KAB dapil 2",
     [KEJADIAN("LOGISTIK_TERTUKAR", "surat suara DPRD KAB dapil 2")]),
    ("KEJADIAN 003 LOGISTIK TUKAR surat suara DPR", [KEJADIAN("LOGISTIK_TERTUKAR",
                                                              "surat suara DPR")]),
    ("KEJADIAN 003 LOGISTIK RUSAK RINGAN 1 kotak suara sobek",
     [KEJADIAN("LOGISTIK_RUSAK", "1 kotak suara sobek", "RINGAN")]),
    ("KEJADIAN 003 PETUGAS SAKIT anggota KPPS demam",
     [KEJADIAN("PETUGAS_SAKIT", "anggota KPPS demam")]),
    ("KEJADIAN 003 KPPS SAKIT ketua pingsan", [KEJADIAN("PETUGAS_SAKIT", "ketua pingsan")]),
    ("KEJADIAN 003 PETUGAS PINGSAN saat menghitung",
     [KEJADIAN("PETUGAS_SAKIT", "saat menghitung")]),
    ("KEJADIAN 003 PETUGAS LUKA SEDANG jatuh dari motor",
     [KEJADIAN("PETUGAS_LUKA", "jatuh dari motor", "SEDANG")]),
    ("KEJADIAN 003 LINMAS LUKA tangan tergores", [KEJADIAN("PETUGAS_LUKA", "tangan tergores")]),
    ("KEJADIAN 003 PETUGAS MENINGGAL anggota KPPS 4 kelelahan",
     [KEJADIAN("PETUGAS_MENINGGAL", "anggota KPPS 4 kelelahan")]),
    ("KEJADIAN 003 PETUGAS MENINGGAL DUNIA serangan jantung",
     [KEJADIAN("PETUGAS_MENINGGAL", "serangan jantung")]),
    ("KEJADIAN 003 KPPS WAFAT pukul 02.00", [KEJADIAN("PETUGAS_MENINGGAL", "pukul 02.00")]),
    ("KEJADIAN 003 PSU pemilih mencoblos dua kali",
     [KEJADIAN("PSU", "pemilih mencoblos dua kali")]),
    ("KEJADIAN 003 PEMUNGUTAN SUARA ULANG pemilih luar daerah memilih",
     [KEJADIAN("PSU", "pemilih luar daerah memilih")]),
    ("KEJADIAN 003 LAIN listrik padam", [KEJADIAN("LAIN", "listrik padam")]),
    ("KEJADIAN 003 LAINNYA banjir", [KEJADIAN("LAIN", "banjir")]),
    ("KEJADIAN 003 LAIN-LAIN banjir", [KEJADIAN("LAIN", "banjir")]),
    ("KEJADIAN 003 KEKERASAN", [KEJADIAN("KEKERASAN")]),
    ("KEJADIAN 003 KEKERASAN PARAH", [KEJADIAN("KEKERASAN", "", "BERAT")]),
    ("KEJADIAN 003 KEKERASAN: berat sebelah", [KEJADIAN("KEKERASAN", "berat sebelah")]),
    ("KEJADIAN 003 LAIN: lain kali", [KEJADIAN("LAIN", "lain kali")]),
    ("KEJADIAN KHUSUS 003 LAIN hujan", [KEJADIAN("LAIN", "hujan")]),
    ("INSIDEN 003 KEKERASAN ribut", [KEJADIAN("KEKERASAN", "ribut")]),
    ("TPS 003 KEJADIAN KEKERASAN ribut", [KEJADIAN("KEKERASAN", "ribut")]),
    ("KEJADIAN TPS 003 LOGISTIK RUSAK kotak basah", [KEJADIAN("LOGISTIK_RUSAK", "kotak basah")]),
    ("KEJADIAN 62.13.01.2003-003 INTIMIDASI ancaman", [KEJADIAN("INTIMIDASI", "ancaman")]),
    ("kejadian 003 politik uang Amplop Berisi Uang",
     [KEJADIAN("POLITIK_UANG", "Amplop Berisi Uang")]),
    ("KEJADIAN 003 VIOLENCE fight at the gate", [KEJADIAN("KEKERASAN", "fight at the gate")]),
    ("KEJADIAN 003 PETUGAS SAKIT BERAT ketua pingsan\ndibawa ke puskesmas",
     [KEJADIAN("PETUGAS_SAKIT", "ketua pingsan dibawa ke puskesmas", "BERAT")]),
    ("KEJADIAN 003 LAIN hujan\nTPS 003 TUTUP 13.00",
     [KEJADIAN("LAIN", "hujan"), R("TUTUP", hm(13, 0))]),
    ("KEJADIAN 003 LAIN hujan\n\nlistrik padam", [KEJADIAN("LAIN", "hujan"), "unknown_word"]),
    ("KEJADIAN 003 KEKERASAN ribut;TUTUP 13.00",
     [KEJADIAN("KEKERASAN", "ribut"), R("TUTUP", hm(13, 0))]),
    ("KEJADIAN 003 LAIN  hujan   deras  ", [KEJADIAN("LAIN", "hujan deras")]),
    ("KEJADIAN 003 KEKERASAN RINGAN - adu mulut",
     [KEJADIAN("KEKERASAN", "adu mulut", "RINGAN")]),
    # --- what is not understood ------------------------------------------------------------------
    ("", ["empty"]),
    ("   ", ["empty"]),
    (";;\n;", ["empty"]),
    ("?!", ["empty"]),
    ("BKA 07.05", ["unknown_word"]),
    ("halo pak", ["unknown_word"]),
    ("TPS 003 HUKA 07.05", ["unknown_word"]),
    ("TPS 003 BK 07.05", ["unknown_word"]),
    ("TPS 003 SELESAI 23.40", ["unknown_word"]),
    ("TPS 003 DPRD SELESAI", ["unknown_word"]),
    ("TPS 003 KEHADIAN 10.00 150", ["ambiguous_word"]),
    ("TPS 003 HITUNG DPT SELESAI 18.00", ["unknown_word"]),
    ("TPS 003 HITUNG DPRD SELESAI 21.00", ["ambiguous_word"]),
    ("TPS 003 SUARA 23.40", ["unknown_word"]),
    ("TPS 62.13.01.203-003 BUKA 07.05", ["bad_tps_code"]),
    ("TPS 62.13.01-003 BUKA 07.05", ["bad_tps_code"]),
    ("TPS 62.13.01.2003 BUKA 07.05", ["bad_tps_code"]),
    ("TPS 0 BUKA 07.05", ["bad_tps_number"]),
    ("TPS 1000 BUKA 07.05", ["bad_tps_number"]),
    ("TPS 003 BUKA 25.70", ["bad_time"]),
    ("TPS 003 BUKA 07.60", ["bad_time"]),
    ("TPS 003 BUKA 7.5", ["bad_time"]),
    ("TPS 003 BUKA 2570", ["bad_time"]),
    ("TPS 003 BUKA 7", ["bad_time"]),
    ("TPS 003 BUKA 24.30", ["bad_time"]),
    ("TPS 003 SUARA SELESAI H+1 24.00", ["bad_time"]),
    ("TPS 003 HADIR 10.00 -5", ["negative_count"]),
    ("TPS 003 HADIR 10.00 1001", ["count_too_large"]),
    ("TPS 003 HADIR 10.00 1.500", ["count_too_large"]),
    ("TPS 003 HADIR 10.00", ["missing_count"]),
    ("TPS 003 HADIR", ["missing_count"]),
    ("TPS 003 LOGISTIK", ["missing_word"]),
    ("TPS 003 LOGISTIK KURANG", ["unknown_word"]),
    ("TPS 003 CHASIL", ["missing_word"]),
    ("TPS 003 HITUNG PPWP", ["missing_word"]),
    ("TPS 003 HITUNG", ["missing_word"]),
    ("KEJADIAN 003", ["missing_word"]),
    ("KEJADIAN 003 RIBUT di TPS", ["unknown_word"]),
    ("TPS 003 BUKA JAM", ["missing_word"]),
    ("TPS 003 SIAP H-1", ["missing_word"]),
    ("TPS", ["missing_word"]),
    ("TPS 003", ["missing_word"]),
]


def check(message, expected, **defaults):
    result = parse(message, **defaults)
    reports = [item for item in expected if isinstance(item, Report)]
    codes = [item for item in expected if isinstance(item, str)]
    assert result.reports == reports
    assert [problem.code for problem in result.problems] == codes
    return result


@pytest.mark.parametrize(("message", "expected"), CORPUS, ids=[m[:40] for m, _ in CORPUS])
def test_the_corpus_of_field_messages_reads_as_expected(message, expected):
    check(message, expected, default_village=V)


NO_DEFAULTS = [
    ("TPS 003 BUKA 07.05", ["tps_without_village"]),
    ("BUKA 07.05", ["no_tps"]),
    ("SUARA 003 SELESAI 23.40", ["tps_without_village"]),
    ("TPS 62.13.01.2003-003 BUKA 07.05; TPS 004 BUKA 07.10",
     [BUKA(hm(7, 5)), BUKA(hm(7, 10), T4)]),
    ("TPS 62.13.01.2003-003 BUKA 07.05\nHADIR 10.00 150", [BUKA(hm(7, 5)), HADIR(hm(10, 0), 150)]),
    ("TPS 62.13.01.2003-003\nSIAP\nBUKA 07.01", [R("SIAP"), BUKA(hm(7, 1))]),
    ("KEJADIAN KEKERASAN ribut", ["no_tps"]),
]


@pytest.mark.parametrize(("message", "expected"), NO_DEFAULTS)
def test_a_sender_with_no_registered_desa_must_write_the_full_code_once(message, expected):
    check(message, expected)


BOUND = [
    ("BUKA 07.05", [BUKA(hm(7, 5))]),
    ("SIAP", [R("SIAP")]),
    ("TPS SIAP", [R("SIAP")]),
    ("HADIR 10.00 150", [HADIR(hm(10, 0), 150)]),
    ("HADIR 150", [HADIR(None, 150)]),
    ("TPS 004 BUKA 07.05", [BUKA(hm(7, 5), T4)]),
    ("KEJADIAN KEKERASAN ribut", [KEJADIAN("KEKERASAN", "ribut")]),
    ("HITUNG PPWP SELESAI 16.20", [HITUNG("PPWP", "SELESAI", hm(16, 20))]),
    ("SUARA SELESAI 01.30", [R("SUARA_SELESAI", hm(1, 30, 1))]),
]


@pytest.mark.parametrize(("message", "expected"), BOUND)
def test_a_sender_bound_to_one_tps_need_not_name_it(message, expected):
    check(message, expected, default_tps=T3)


def test_the_corpus_is_large_and_covers_every_checkpoint_category_and_problem():
    assert len(CORPUS) + len(NO_DEFAULTS) + len(BOUND) >= 200
    seen = [item for _, expected in CORPUS + NO_DEFAULTS + BOUND for item in expected]
    reports = [item for item in seen if isinstance(item, Report)]
    assert {report.kind for report in reports} == set(Kind)
    assert {report.category for report in reports} - {None} == set(Category)
    assert {report.severity for report in reports} - {None} == set(Severity)
    assert {report.contest for report in reports} - {None} == set(Contest)
    assert {item for item in seen if isinstance(item, str)} == set(messages.MESSAGES)


# --- rules, one by one -------------------------------------------------------------------------

def test_a_typo_in_selesai_is_still_understood():
    for typo in ["SELSAI", "SELESEI", "SELESI", "SLESAI", "SELESAAI", "SELSEAI"]:
        result = parse(f"TPS 003 SUARA {typo} 23.40", default_village=V)
        assert result.reports == [R("SUARA_SELESAI", hm(23, 40))], typo


def test_short_words_and_a_wrong_first_letter_are_never_read_as_a_typo():
    assert typo_distance("BKA", "BUKA") is None  # under 4 letters: exact only
    assert typo_distance("DPT", "DPD") is None  # 3-letter keywords: exact only
    assert typo_distance("HUKA", "BUKA") is None  # first letter wrong
    assert typo_distance("BUKAA", "BUKA") == 1
    assert typo_distance("KJADIAN", "KEJADIAN") == 1
    assert typo_distance("KEJADAN", "KEJADIAN") == 1
    assert typo_distance("KJADAN", "KEJADIAN") == 2  # 8 letters or more: two typos
    assert typo_distance("SLSAI", "SELESAI") is None  # 7 letters or fewer: one typo


def test_a_word_as_close_to_two_keywords_is_asked_back_not_guessed():
    result = parse("TPS 003 KEHADIAN 10.00 150", default_village=V)
    assert result.reports == []
    (problem,) = result.problems
    assert problem.params["candidates"] == "HADIR, KEJADIAN"


def test_dprd_alone_is_asked_back_because_there_are_two_dprd_ballots():
    (problem,) = parse("TPS 003 HITUNG DPRD SELESAI 21.00", default_village=V).problems
    assert problem.render() == (
        "Report 1, word 4: 'DPRD' could be DPRD PROV, DPRD KAB; write it in full.")


def test_counting_finished_after_midnight_is_the_next_day():
    result = parse("TPS 003 SUARA SELESAI 01.30", default_village=V)
    assert result.reports[0].minutes == 1530
    assert messages.day_of(1530) == 1 and messages.format_clock(1530) == "01.30"


def test_the_voting_close_that_decides_the_counting_day_is_a_setting():
    message = "TPS 003 SUARA SELESAI 13.30"
    assert parse(message, default_village=V).reports[0].minutes == hm(13, 30)
    late_close = parse(message, default_village=V, voting_close=14 * 60)
    assert late_close.reports[0].minutes == hm(13, 30, 1)


def test_opening_and_turnout_times_are_never_moved_to_the_next_day():
    result = parse("TPS 003 BUKA 07.05; HADIR 10.00 150; TUTUP 13.00", default_village=V)
    assert [report.minutes for report in result.reports] == [425, 600, 780]


def test_logistics_are_received_the_day_before_unless_the_officer_writes_hari_h():
    late = parse("TPS 003 LOGISTIK TERIMA HARI H 05.30", default_village=V).reports[0]
    on_time = parse("TPS 003 LOGISTIK TERIMA 16.00", default_village=V).reports[0]
    assert (messages.day_of(on_time.minutes), messages.day_of(late.minutes)) == (-1, 0)


def test_the_largest_count_is_a_setting():
    assert parse("TPS 003 HADIR 10.00 700", default_village=V, max_count=600).problems[0].code \
        == "count_too_large"


def test_a_problem_names_the_report_the_word_and_what_was_expected():
    result = parse("TPS 003 BUKA 07.05\nTPS 003 HTUNG PPWP SELESAI 16.20\nTPS 003 BKA 07.10",
                   default_village=V)
    (problem,) = result.problems
    assert problem.params == {"n": 3, "at": 3, "word": "BKA",
                              "expected": messages.EXPECT_COMMAND}
    assert problem.render() == ("Report 3, word 3: 'BKA' is not understood; expected LOGISTIK, "
                                "SIAP, BUKA, HADIR, TUTUP, HITUNG, SUARA, CHASIL, KEJADIAN.")


def test_an_unknown_incident_category_lists_the_categories():
    (problem,) = parse("KEJADIAN 003 RIBUT di TPS", default_village=V).problems
    assert problem.params["word"] == "RIBUT"
    assert "POLITIK UANG" in problem.render() and "PETUGAS SAKIT/LUKA/MENINGGAL" in problem.render()


def test_the_free_text_of_an_incident_keeps_what_the_officer_wrote():
    (report,) = parse("KEJADIAN 003 LAIN Kotak suara No. 2 basah, segel: utuh!",
                      default_village=V).reports
    assert report.text == "Kotak suara No. 2 basah, segel: utuh!"


def test_a_colon_after_the_category_keeps_a_severity_word_in_the_text():
    (report,) = parse("KEJADIAN 003 KEKERASAN: sedang berlangsung", default_village=V).reports
    assert (report.severity, report.text) == (None, "sedang berlangsung")
    (report,) = parse("KEJADIAN 003 KEKERASAN sedang berlangsung", default_village=V).reports
    assert (report.severity, report.text) == (Severity.SEDANG, "berlangsung")


def test_a_bare_number_after_a_full_code_is_a_tps_of_the_same_desa():
    result = parse("TPS 62.13.02.1001-001 SIAP; TPS 002 SIAP", default_village=V)
    assert [report.tps for report in result.reports] == ["62.13.02.1001-001", "62.13.02.1001-002"]


def test_the_registered_desa_comes_before_the_desa_of_the_bound_tps():
    result = parse("TPS 005 SIAP; SIAP", default_village=V, default_tps="62.13.01.2004-001")
    assert [report.tps for report in result.reports] == [f"{V}-005", f"{V}-005"]
    result = parse("SIAP", default_village=V, default_tps="62.13.01.2004-001")
    assert result.reports[0].tps == "62.13.01.2004-001"


def test_defaults_from_the_system_must_be_codes():
    with pytest.raises(ValueError):
        parse("SIAP", default_village="62.13.01")
    with pytest.raises(ValueError):
        parse("SIAP", default_tps="003")
    assert parse("SIAP", default_village="6213012003", default_tps="6213012003-3").reports == [
        R("SIAP")]


def test_parse_accepts_none_as_an_empty_message():
    assert [problem.code for problem in parse(None).problems] == ["empty"]


# --- replies -------------------------------------------------------------------------------------

INDONESIAN = {
    "OK %(reports)s received.": "OK %(reports)s diterima.",
    "NOT RECEIVED.": "TIDAK DITERIMA.",
    "Report %(n)s, word %(at)s: '%(word)s' is not a time; write hours.minutes from 00.00 to "
    "24.00 (e.g. 07.05).": "Laporan %(n)s, kata %(at)s: '%(word)s' bukan jam; tulis jam.menit "
                           "dari 00.00 sampai 24.00 (mis. 07.05).",
}


def translate(msgid):
    return INDONESIAN.get(msgid, msgid)


def test_the_reply_confirms_what_was_received_in_indonesian():
    result = parse("TPS 62.13.01.2003-003 BUKA 07.05", default_village=V)
    assert reply(result, translate) == "OK TPS 62.13.01.2003-003 BUKA 07.05 diterima."


def test_the_reply_groups_the_reports_of_one_tps():
    result = parse("TPS 003 BUKA 07.05; HADIR 10.00 150\nKEJADIAN 004 LAIN hujan deras sekali",
                   default_village=V)
    assert reply(result) == ("OK TPS 62.13.01.2003-003 BUKA 07.05, HADIR 10.00 150; "
                             "TPS 62.13.01.2003-004 KEJADIAN LAIN received.")


def test_the_reply_says_the_counting_time_without_its_day():
    result = parse("TPS 003 SUARA SELESAI 01.30", default_village=V)
    assert reply(result) == "OK TPS 62.13.01.2003-003 SUARA SELESAI 01.30 received."


def test_the_reply_to_a_message_not_understood_says_why():
    result = parse("TPS 003 BUKA 25.70", default_village=V)
    assert reply(result, translate) == (
        "TIDAK DITERIMA. Laporan 1, kata 4: '25.70' bukan jam; tulis jam.menit dari 00.00 "
        "sampai 24.00 (mis. 07.05).")


def test_a_reply_with_reports_and_problems_gives_both():
    result = parse("TPS 003 BUKA 07.05; HADIR 10.00 -5", default_village=V)
    assert reply(result) == ("OK TPS 62.13.01.2003-003 BUKA 07.05 received. Report 2, word 3: "
                             "a number of voters cannot be negative (-5).")


def test_a_long_reply_counts_the_reports_and_shows_the_first_problem():
    message = "; ".join(f"TPS {n:03d} SIAP" for n in range(1, 9)) + "; TPS 009 BKA; TPS 010 BKB"
    text = reply(parse(message, default_village=V))
    assert text.startswith("OK 8 reports received. Report 9, word 3: 'BKA' is not understood")
    assert text.endswith("(+1 more problems)")


# --- properties ----------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text):
    result = parse(text, default_village=V)
    assert isinstance(result, ParseResult)
    assert result.reports or result.problems
    assert reply(result)


PIECES = ["TPS", "tps:", "003", "3", "62.13.01.2003-003", "62.13.01.2003", "6213012003-3", "BUKA",
          "bukaa", "SIAP", "HADIR", "TUTUP", "HITUNG", "htung", "SUARA", "SELESAI", "selsai",
          "MULAI", "PPWP", "DPR", "DPD", "DPRD", "PROV", "KAB/KOTA", "C.HASIL", "C1", "CHASIL",
          "KIRIM", "LOGISTIK", "TERIMA", "KURANG", "KEJADIAN", "kjadian", "KEKERASAN", "BERAT",
          "PETUGAS", "SAKIT", "LAIN", "PSU", "H-1", "H", "HARI", "JAM", "07.05", "7:05", "0705",
          "25.70", "24.00", "01.30", "150", "-5", "1.000", "WITA", "ORANG", "SUDAH", ";", "\n",
          ":", ",", "-", "#", "*"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14), st.lists(st.sampled_from(["", " ", "  "]),
                                                                 min_size=14, max_size=14))
def test_every_report_read_from_a_messy_message_survives_its_canonical_form(pieces, spaces):
    message = "".join(piece + space for piece, space in zip(pieces, spaces, strict=False))
    result = parse(message, default_village=V)
    assert reply(result)
    for report in result.reports:
        assert parse(canonical(report)).reports == [report]


TPS_CODES = st.builds("{:02d}.{:02d}.{:02d}.{:04d}-{:03d}".format, st.integers(10, 99),
                      st.integers(0, 99), st.integers(0, 99), st.integers(1000, 2999),
                      st.integers(1, 999))
MINUTES = st.integers(-24 * 60, 2 * 24 * 60 - 1)  # H-1 00.00 to H+1 23.59
FREE_TEXT = st.text(st.characters(blacklist_characters=";\r\n"), max_size=40).map(clean_text)


@st.composite
def reports(draw):
    kind = draw(st.sampled_from(list(Kind)))
    tps = draw(TPS_CODES)
    if kind == Kind.KEJADIAN:
        return Report(kind, tps, category=draw(st.sampled_from(list(Category))),
                      severity=draw(st.none() | st.sampled_from(list(Severity))),
                      text=draw(FREE_TEXT))
    minutes = draw(st.none() | MINUTES)
    zone = None if minutes is None else draw(st.none() | st.sampled_from(messages.ZONES))
    contest = None
    if kind == Kind.HITUNG_SELESAI:
        contest = draw(st.sampled_from(list(Contest)))
    elif kind == Kind.HITUNG_MULAI:
        contest = draw(st.none() | st.sampled_from(list(Contest)))
    count = draw(st.integers(0, messages.MAX_COUNT)) if kind == Kind.HADIR else None
    return Report(kind, tps, contest=contest, minutes=minutes, count=count, zone=zone)


@settings(max_examples=1000, deadline=None)
@given(reports())
def test_a_report_written_in_canonical_form_reads_back_the_same(report):
    text = canonical(report)
    assert parse(text).reports == [report], text
    assert parse(text.lower()).reports == [report] or report.text != report.text.lower()


@settings(max_examples=300, deadline=None)
@given(st.lists(reports(), min_size=1, max_size=12))
def test_a_reply_to_reports_alone_fits_one_sms(items):
    assert len(reply(ParseResult(items, []))) <= messages.SMS_LENGTH


def test_canonical_form_looks_like_what_officers_write():
    assert canonical(R("SUARA_SELESAI", hm(1, 30, 1))) == f"TPS {T3} SUARA SELESAI 01.30"
    assert canonical(R("LOGISTIK_TERIMA", hm(16, 0, -1))) == f"TPS {T3} LOGISTIK TERIMA 16.00"
    assert canonical(R("LOGISTIK_TERIMA", hm(5, 30))) == f"TPS {T3} LOGISTIK TERIMA H 05.30"
    assert canonical(HADIR(hm(10, 0), 150, zone="WITA")) == f"TPS {T3} HADIR 10.00 WITA 150"
    assert canonical(HITUNG("DPRD_PROV", "SELESAI", hm(21, 30))) == \
        f"TPS {T3} HITUNG DPRD PROV SELESAI 21.30"
    assert canonical(KEJADIAN("LOGISTIK_KURANG", "surat suara DPRD", "BERAT")) == \
        f"TPS {T3} KEJADIAN LOGISTIK KURANG BERAT: surat suara DPRD"


def test_every_message_has_its_template_marked_and_renders_with_its_parameters():
    seen = {}
    for message, _ in CORPUS:
        for problem in parse(message, default_village=V).problems:
            seen.setdefault(problem.code, problem)
    for code, problem in seen.items():
        text = problem.render()
        assert "%(" not in text and code in messages.MESSAGES
    assert all(re.search(r"[A-Za-z]", msgid) for msgid in messages.REPLY.values())


def test_the_core_is_pure_python_without_django():
    tree = ast.parse(Path(messages.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith("django") for name in imported)
